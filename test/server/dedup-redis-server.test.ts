// The server keeps its answers in Redis when it is configured with one (the
// same setting as the task store, under its key prefix), and closes that
// connection when it stops.
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { startModelServer } from "tamar-model-client/server";
import { authMetadata, collect, modelClient } from "../helpers/grpc-client.js";
import { keysUnder, redisPrefix, redisUrl } from "../helpers/redis.js";
import { SECRET } from "../helpers/tokens.js";
import { wireTenant } from "../helpers/user-context.js";

const request = {
  provider: "openai",
  invokeType: "chat-completions",
  stream: false,
  ...wireTenant,
  extra: { model: "gpt-4o-mini", max_tokens: 4, messages: [{ role: "user", content: "hi" }] },
};

async function clientNames(): Promise<string[]> {
  const redis = new Redis(await redisUrl());
  try {
    const list = (await redis.client("LIST")) as string;
    return [...list.matchAll(/ name=(\S*)/g)].map((match) => match[1]!);
  } finally {
    redis.disconnect();
  }
}

describe("the server's answer store with a Redis URL", () => {
  it("keeps a call's answer under <prefix>:dedup:, and closes its connection on shutdown", async () => {
    const prefix = redisPrefix();
    const server = await startModelServer({ host: "127.0.0.1", port: 0, jwtSecretKey: SECRET, offline: true, offlineChunkDelayMs: 0, env: {}, redisUrl: await redisUrl(), redisKeyPrefix: prefix });
    const { client, channel } = modelClient(server.address);
    try {
      const metadata = await authMetadata({ "x-request-id": "kept-in-redis" });
      expect(await collect(client.invoke(request, { metadata }))).toHaveLength(1);
      const keys = async (kind: string) => (await keysUnder(prefix)).filter((key) => key.startsWith(`${prefix}:dedup:${kind}:`));
      // Stored just after the answer went out; then the mark of the running call goes.
      await expect.poll(() => keys("answer")).toHaveLength(1);
      await expect.poll(() => keys("running")).toEqual([]);
      expect(await clientNames()).toContain(`${prefix}:dedup`);
    } finally {
      channel.close();
      await server.close({ graceMs: 0 });
    }
    expect(await clientNames()).not.toContain(`${prefix}:dedup`);
  });
});
