/**
 * The machine's Redis (127.0.0.1:6379) under a key prefix of this test run
 * only, removed after the test.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach } from "vitest";

export const REDIS_URL = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";

const prefixes: string[] = [];

afterEach(async () => {
  if (prefixes.length === 0) return;
  const redis = new Redis(REDIS_URL);
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
  const redis = new Redis(REDIS_URL);
  try {
    return await redis.keys(`${prefix}:*`);
  } finally {
    redis.disconnect();
  }
}
