// Retries across replicas: two reference-server processes share one real
// Redis (own key prefix) and one fake OpenAI on loopback that counts its
// requests. A call answered by replica A and sent again with the same
// request id to replica B gets A's answer, byte for byte, without a second
// provider request; a retry that reaches B while A still runs the call
// (the client's own retry after a connection reset) waits for A's answer.
import { describe, expect, it } from "vitest";
import { createModelClient, invoke } from "tamar-model-client";
import { ModelResponseItem } from "../../src/gen/model_service/model_service.js";
import { deferred } from "../helpers/deferred.js";
import { startFakeUpstream } from "../helpers/fake-upstream.js";
import { authMetadata, collect, modelClient } from "../helpers/grpc-client.js";
import { openAIApi } from "../helpers/provider-wire/openai.js";
import { redisPrefix, redisUrl } from "../helpers/redis.js";
import { SECRET } from "../helpers/tokens.js";
import { wireTenant } from "../helpers/user-context.js";
import { startServerProcess, type ServerProcess } from "../resilience/helpers/server-process.js";
import { startFaultProxy } from "./helpers/fault-proxy.js";
import { report } from "./helpers/report.js";
import { attemptCounter, chatRequest } from "./helpers/stack.js";

const HOLD = "[hold]";

/** A fake OpenAI that answers a prompt containing {@link HOLD} only after `release()`. */
async function countingUpstream() {
  const gate = deferred();
  const upstream = await startFakeUpstream(async (request, res) => {
    if (JSON.stringify(request.json().messages).includes(HOLD)) await gate.promise;
    openAIApi(request, res);
  });
  return { upstream, release: () => gate.resolve() };
}

/** Two replicas on the same Redis prefix, both calling `upstreamUrl`. */
async function twoReplicas(upstreamUrl: string): Promise<[ServerProcess, ServerProcess]> {
  const prefix = redisPrefix();
  const start = async () =>
    startServerProcess({
      args: ["--redis-url", await redisUrl(), "--redis-key-prefix", prefix, "--provider-max-retries", "0"],
      env: { OPENAI_API_KEY: "sk-test-0123456789", OPENAI_BASE_URL: `${upstreamUrl}/v1` },
      logLevel: "info",
    });
  return Promise.all([start(), start()]);
}

const wireRequest = {
  provider: "openai",
  channel: "openai",
  invokeType: "chat-completions",
  stream: false,
  ...wireTenant,
  extra: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hi" }] },
};

describe("deduplication across replicas through Redis", { timeout: 60_000 }, () => {
  it("an answer produced on A, asked again with the same request id on B: A's bytes, one provider request", async () => {
    const { upstream } = await countingUpstream();
    const [a, b] = await twoReplicas(upstream.url);
    const onA = modelClient(a.address);
    const onB = modelClient(b.address);
    try {
      const metadata = await authMetadata({ "x-request-id": "redis-dedup-1" });
      const first = await collect(onA.client.invoke(wireRequest, { metadata }));
      expect(upstream.requests).toHaveLength(1);
      const again = await collect(onB.client.invoke(wireRequest, { metadata }));
      expect(upstream.requests).toHaveLength(1);
      expect(first).toHaveLength(1);
      expect(first[0]!.content).toBe("Hi there");
      const bytes = (items: ModelResponseItem[]) => items.map((item) => Buffer.from(ModelResponseItem.encode(item).finish()));
      expect(bytes(again)).toEqual(bytes(first));
      report("same request id on another replica after the answer (Redis)", { upstream_requests: upstream.requests.length, identical_bytes: true });
      // B answered from A's call: stored, or (had B come before A let go of it) waited for.
      const logged = JSON.parse(await b.cli.line(/"msg":"call".*"request_id":"redis-dedup-1"|"request_id":"redis-dedup-1".*"msg":"call"/, "stderr"));
      expect(["stored", "other-replica"]).toContain(logged.dedup);

      // Another request id is another call: the provider is asked again.
      await collect(onB.client.invoke(wireRequest, { metadata: await authMetadata({ "x-request-id": "redis-dedup-2" }) }));
      expect(upstream.requests).toHaveLength(2);
    } finally {
      onA.channel.close();
      onB.channel.close();
    }
  });

  it("the client's retry after a reset reaches B while A still runs the call: B waits for A's answer, one provider request", async () => {
    const { upstream, release } = await countingUpstream();
    const [a, b] = await twoReplicas(upstream.url);
    let target = a.address;
    const proxy = await startFaultProxy(() => target);
    const { attempts, middleware } = attemptCounter();
    const client = createModelClient({
      address: proxy.address,
      jwtSecretKey: SECRET,
      useTls: false,
      env: {},
      envFile: false,
      retryDelayMs: 20,
      middlewares: [middleware],
    });
    try {
      const answer = invoke(client, chatRequest(`a long answer ${HOLD}`), { requestId: "redis-dedup-inflight" });
      await upstream.nextRequest();
      // The connection to A breaks; the client's retry lands on B.
      target = b.address;
      expect(proxy.resetAll()).toBe(1);
      await b.cli.line(/"msg":"waiting for the call running on another replica".*"request_id":"redis-dedup-inflight"/, "stderr");
      release();
      expect((await answer).content).toBe("Hi there");
      expect(upstream.requests).toHaveLength(1);
      expect(attempts.get("redis-dedup-inflight")).toBe(2);
      report("reset, retry on another replica while the call runs (Redis)", { attempts: 2, upstream_requests: upstream.requests.length });
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});
