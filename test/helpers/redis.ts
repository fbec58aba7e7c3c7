/**
 * A real Redis for tests: the machine's (127.0.0.1:6379, or TEST_REDIS_URL)
 * when it answers, else a `redis-server` of our own on a free loopback port
 * with nothing kept on disk. Each test takes a key prefix of its own, removed
 * after it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { afterAll, afterEach } from "vitest";

const MACHINE_REDIS = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";

let own: ChildProcess | undefined;
let url: Promise<string> | undefined;

afterAll(() => {
  own?.kill("SIGKILL");
});

async function answers(candidate: string): Promise<boolean> {
  const redis = new Redis(candidate, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startOwnRedis(): Promise<string> {
  const port = await freePort();
  own = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    own!.on("error", (error) => reject(new Error(`no Redis at ${MACHINE_REDIS} and redis-server could not start: ${error.message}`)));
    own!.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Ready to accept connections")) resolve();
    });
  });
  return `redis://127.0.0.1:${port}`;
}

/** The URL of the Redis the tests of this file use. */
export function redisUrl(): Promise<string> {
  url ??= answers(MACHINE_REDIS).then((ok) => (ok ? MACHINE_REDIS : startOwnRedis()));
  return url;
}

const prefixes: string[] = [];

afterEach(async () => {
  if (prefixes.length === 0) return;
  const redis = new Redis(await redisUrl());
  try {
    for (const prefix of prefixes.splice(0)) {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== "0");
    }
  } finally {
    redis.disconnect();
  }
});

/** A fresh key prefix, cleaned up after the test. */
export function redisPrefix(): string {
  const prefix = `tamar-test-${randomUUID()}`;
  prefixes.push(prefix);
  return prefix;
}

/** Keys under `prefix`, for checks. */
export async function keysUnder(prefix: string): Promise<string[]> {
  const redis = new Redis(await redisUrl());
  try {
    return await redis.keys(`${prefix}:*`);
  } finally {
    redis.disconnect();
  }
}
