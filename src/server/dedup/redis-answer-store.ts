/**
 * Answers of retried calls shared by every replica through Redis: the
 * {@link AnswerStore} as `GET` / `SET … PX` of the protobuf bytes, bounded
 * in all by `maxBytes` (oldest out first, like the in-process store, but
 * counted over every replica), plus the {@link CallClaims} that tell a
 * replica a call is running on another one.
 *
 * Keys live under `<prefix>:dedup:`, beside the task store's. `ioredis` is an
 * optional dependency, loaded only here.
 */
import { randomUUID } from "node:crypto";
import { ModelServerConfigError } from "../config/config-error.js";
import { reachRedis } from "../redis/reach-redis.js";
import type { ServerLogger } from "../logging/logger.js";
import type { ImportModule } from "../providers/load-sdk.js";
import type { AnswerStore } from "./answer-store.js";
import type { CallClaim, CallClaims } from "./call-claims.js";

type IORedisModule = typeof import("ioredis");

export interface RedisAnswerStoreSettings {
  readonly url: string;
  /** The server's Redis key prefix; the answers live under `<prefix>:dedup:`. */
  readonly prefix: string;
  /** Bytes of answers kept in all, every replica together. */
  readonly maxBytes: number;
  readonly importModule: ImportModule;
  readonly logger: ServerLogger;
  /** Clock, ms: the answers' ages (tests). */
  readonly now?: () => number;
}

export interface RedisAnswerStore extends AnswerStore {
  readonly claims: CallClaims;
  /** Closes the connection (after the commands already sent). */
  close(): Promise<void>;
}

// A running call's mark outlives a stalled event loop, and lapses this long
// after its replica died; it is renewed three times per period.
const CLAIM_LEASE_MS = 10_000;
// A waiting attempt renews its mark at every look (at most every 500 ms).
const WAITING_MARK_MS = 3_000;

// Stores one answer within the byte budget: removes the key's older copy and
// expired answers, then the oldest ones until the new one fits. The index (a
// sorted set by expiry, a hash of sizes, the byte count) lives as long as the
// longest answer in it.
const SET_WITHIN_BUDGET = `
local ages, sizes, total = KEYS[1], KEYS[2], KEYS[3]
local key, answer = ARGV[1], ARGV[2]
local ttl, now, max = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local function forget(member)
  local size = tonumber(redis.call('HGET', sizes, member) or '0')
  redis.call('HDEL', sizes, member)
  redis.call('ZREM', ages, member)
  redis.call('DEL', member)
  redis.call('DECRBY', total, size)
end
forget(key)
local size = #answer
if size > max or ttl <= 0 then return 0 end
for _, member in ipairs(redis.call('ZRANGEBYSCORE', ages, '-inf', now)) do forget(member) end
while tonumber(redis.call('GET', total) or '0') + size > max do
  local oldest = redis.call('ZRANGE', ages, 0, 0)[1]
  if not oldest then
    redis.call('SET', total, 0)
    break
  end
  forget(oldest)
end
redis.call('SET', key, answer, 'PX', ttl)
redis.call('ZADD', ages, now + ttl, key)
redis.call('HSET', sizes, key, size)
redis.call('INCRBY', total, size)
for _, index in ipairs(KEYS) do
  if redis.call('PTTL', index) < ttl then redis.call('PEXPIRE', index, ttl) end
end
return 1`;

// Renews or removes a mark only while it is still the caller's.
const RENEW_IF_OURS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE_IF_OURS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export async function createRedisAnswerStore(settings: RedisAnswerStoreSettings): Promise<RedisAnswerStore> {
  let Redis: IORedisModule["Redis"];
  try {
    ({ Redis } = (await settings.importModule("ioredis")) as IORedisModule);
  } catch (error) {
    throw new ModelServerConfigError(
      "redisUrl",
      `sharing answers through Redis needs the optional package "ioredis" (run \`npm install ioredis\` next to the server): ${(error as Error).message}`,
    );
  }
  const { logger } = settings;
  const now = settings.now ?? Date.now;
  // Named, so that an operator (and a test) can tell this connection from the task store's.
  const redis = new Redis(settings.url, { lazyConnect: true, maxRetriesPerRequest: 1, connectionName: `${settings.prefix}:dedup` });
  // ioredis reconnects by itself; without a listener it would print every failure.
  redis.on("error", (error: Error) => logger({ level: "warn", msg: "redis connection error (answer store)", error: error.message }));
  await reachRedis(redis);

  const base = `${settings.prefix}:dedup`;
  const answerKey = (key: string) => `${base}:answer:${key}`;
  const runningKey = (key: string) => `${base}:running:${key}`;
  const waitingKey = (key: string) => `${base}:waiting:${key}`;
  const indexKeys = [`${base}:ages`, `${base}:sizes`, `${base}:bytes`] as const;

  const claims: CallClaims = {
    async claim(key) {
      const token = randomUUID();
      const mark = runningKey(key);
      if ((await redis.set(mark, token, "PX", CLAIM_LEASE_MS, "NX")) !== "OK") return undefined;
      const renew = setInterval(() => {
        redis.eval(RENEW_IF_OURS, 1, mark, token, String(CLAIM_LEASE_MS)).catch((error: Error) => {
          logger({ level: "warn", msg: "could not renew the mark of a running call", error: error.message });
        });
      }, CLAIM_LEASE_MS / 3);
      renew.unref();
      const claim: CallClaim = {
        async awaited() {
          return (await redis.exists(waitingKey(key))) === 1;
        },
        async release() {
          clearInterval(renew);
          await redis.eval(RELEASE_IF_OURS, 1, mark, token);
        },
      };
      return claim;
    },
    async held(key) {
      return (await redis.exists(runningKey(key))) === 1;
    },
    async waitFor(key) {
      await redis.set(waitingKey(key), "1", "PX", WAITING_MARK_MS);
    },
  };

  return {
    async get(key) {
      const answer = await redis.getBuffer(answerKey(key));
      return answer === null ? undefined : new Uint8Array(answer.buffer, answer.byteOffset, answer.byteLength);
    },
    async set(key, answer, ttlMs) {
      const bytes = Buffer.from(answer.buffer, answer.byteOffset, answer.byteLength);
      await redis.eval(SET_WITHIN_BUDGET, indexKeys.length, ...indexKeys, answerKey(key), bytes, String(ttlMs), String(now()), String(settings.maxBytes));
    },
    claims,
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
