// The Redis answer store against the real Redis (own key prefix, removed
// after each test): binary-safe answers with the retention TTL, the byte
// budget shared by every replica, and the marks of running calls.
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import type { ServerLogger } from "../../src/server/logging/logger.js";
import { createRedisAnswerStore, type RedisAnswerStore } from "../../src/server/dedup/redis-answer-store.js";
import { redisPrefix, redisUrl } from "../helpers/redis.js";

const warnings: unknown[] = [];
const logger: ServerLogger = (record) => {
  if (record.level === "warn" || record.level === "error") warnings.push(record);
};
const opened: RedisAnswerStore[] = [];
const raws: Redis[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  for (const raw of raws.splice(0)) raw.disconnect();
  expect(warnings.splice(0)).toEqual([]);
});

async function storeOf(prefix: string, maxBytes = 1_000_000, now?: () => number): Promise<RedisAnswerStore> {
  const store = await createRedisAnswerStore({ url: await redisUrl(), prefix, maxBytes, importModule: (name) => import(name), logger, ...(now ? { now } : {}) });
  opened.push(store);
  return store;
}

async function raw(): Promise<Redis> {
  const redis = new Redis(await redisUrl());
  raws.push(redis);
  return redis;
}

const bytes = (size: number, fill = 1) => new Uint8Array(size).fill(fill);

describe("Redis answer store", () => {
  it("keeps the exact bytes under <prefix>:dedup:answer:, with the retention TTL", async () => {
    const prefix = redisPrefix();
    const store = await storeOf(prefix);
    // Zero bytes, high bytes and invalid UTF-8: binary, not text.
    const answer = Uint8Array.from([0, 255, 0xc3, 0x28, 10, 0, 128, 7]);
    await store.set("k1", answer, 300_000);
    expect(await store.get("k1")).toEqual(answer);
    const ttl = await (await raw()).pttl(`${prefix}:dedup:answer:k1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300_000);
    expect(await store.get("k2")).toBeUndefined();
  });

  it("an answer set on one replica is read on another with the same prefix, not with another prefix", async () => {
    const prefix = redisPrefix();
    const [a, b, other] = await Promise.all([storeOf(prefix), storeOf(prefix), storeOf(redisPrefix())]);
    await a.set("k", bytes(5, 9), 60_000);
    expect(await b.get("k")).toEqual(bytes(5, 9));
    expect(await other.get("k")).toBeUndefined();
  });

  it("stores nothing with a TTL of 0, and nothing larger than maxBytes", async () => {
    const store = await storeOf(redisPrefix(), 100);
    await store.set("zero", bytes(1), 0);
    await store.set("huge", bytes(101), 60_000);
    expect(await store.get("zero")).toBeUndefined();
    expect(await store.get("huge")).toBeUndefined();
  });

  it("evicts the oldest answers to stay within maxBytes, counted over every replica", async () => {
    const prefix = redisPrefix();
    const [a, b] = await Promise.all([storeOf(prefix, 100), storeOf(prefix, 100)]);
    await a.set("a", bytes(40, 1), 60_000);
    await b.set("b", bytes(40, 2), 60_000);
    await a.set("c", bytes(40, 3), 60_000);
    expect(await b.get("a")).toBeUndefined();
    expect(await a.get("b")).toEqual(bytes(40, 2));
    expect(await b.get("c")).toEqual(bytes(40, 3));
    expect(await (await raw()).get(`${prefix}:dedup:bytes`)).toBe("80");
    // Setting a key again replaces it: counted once.
    await b.set("c", bytes(10, 4), 60_000);
    expect(await (await raw()).get(`${prefix}:dedup:bytes`)).toBe("50");
    expect(await a.get("c")).toEqual(bytes(10, 4));
  });

  it("answers past their TTL leave the budget at the next write", async () => {
    const prefix = redisPrefix();
    let clock = 1_000_000;
    const store = await storeOf(prefix, 100, () => clock);
    await store.set("old", bytes(60), 60_000);
    clock += 60_000;
    await store.set("new", bytes(60), 60_000);
    expect(await store.get("old")).toBeUndefined();
    expect(await store.get("new")).toEqual(bytes(60));
    expect(await (await raw()).get(`${prefix}:dedup:bytes`)).toBe("60");
  });

  it("a call's mark: one replica holds it, the others see it; release removes only one's own mark", async () => {
    const prefix = redisPrefix();
    const [a, b] = await Promise.all([storeOf(prefix), storeOf(prefix)]);
    const claim = await a.claims.claim("k");
    expect(claim).toBeDefined();
    expect(await b.claims.claim("k")).toBeUndefined();
    expect(await b.claims.held("k")).toBe(true);
    const ttl = await (await raw()).pttl(`${prefix}:dedup:running:k`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);

    expect(await claim!.awaited()).toBe(false);
    await b.claims.waitFor("k");
    expect(await claim!.awaited()).toBe(true);

    await claim!.release();
    expect(await b.claims.held("k")).toBe(false);
    const second = await b.claims.claim("k");
    expect(second).toBeDefined();
    // A's late release (its mark lapsed, B's is there now) leaves B's mark alone.
    await claim!.release();
    expect(await a.claims.held("k")).toBe(true);
    await second!.release();
  });

  it("an unreachable Redis is a configuration error naming redisUrl", async () => {
    await expect(
      createRedisAnswerStore({ url: "redis://127.0.0.1:1", prefix: redisPrefix(), maxBytes: 100, importModule: (name) => import(name), logger: () => {} }),
    ).rejects.toThrow(/cannot reach Redis at the configured redisUrl/);
  });
});
