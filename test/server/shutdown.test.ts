import { connect } from "node:net";
import { createChannel, createClient, Status } from "nice-grpc";
import { HealthDefinition } from "../../src/gen/grpc/health/v1/health.js";
import { describe, expect, it } from "vitest";
import type { LogRecord, ModelProvider } from "tamar-model-client/server";
import { deferred } from "../helpers/deferred.js";
import { authMetadata, clientErrorOf, collect, modelClient } from "../helpers/grpc-client.js";
import { startReferenceServer } from "../helpers/reference-server.js";
import { SECRET } from "../helpers/tokens.js";

const chat = (maxTokens: number) => ({
  provider: "openai",
  invokeType: "chat-completions",
  stream: true,
  orgId: "org-1",
  userId: "user-1",
  extra: { model: "m", messages: [{ role: "user", content: "hi" }], max_tokens: maxTokens },
});

describe("graceful shutdown", () => {
  it("drains an in-flight stream to its end, refuses new calls, then resolves", async () => {
    const { server, client } = await startReferenceServer({ offline: true, offlineChunkDelayMs: 5 });
    const metadata = await authMetadata();
    const iterator = client.invoke(chat(40), { metadata })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    expect(server.inFlight).toBe(1);

    const closed = server.close({ graceMs: 60_000 });
    // a new connection is refused while the stream drains
    const late = modelClient(server.address);
    const refused = await clientErrorOf(() => collect(late.client.invoke(chat(1), { metadata })));
    expect(refused.code).toBe(Status.UNAVAILABLE);
    late.channel.close();

    const rest: string[] = [];
    let usage = "";
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      rest.push(next.value.content);
      usage = next.value.usage;
    }
    expect(rest).toHaveLength(40); // 39 more words + the final chunk
    expect(JSON.parse(usage).completion_tokens).toBe(40);
    await closed;
    expect(server.inFlight).toBe(0);
  });

  it("cancels what is still running when the grace period is over, aborting the provider", async () => {
    const started = deferred();
    const aborted = deferred();
    const stalling: ModelProvider = {
      async *invoke(call) {
        started.resolve();
        await new Promise((_, reject) =>
          call.signal.addEventListener("abort", () => {
            aborted.resolve();
            reject(call.signal.reason);
          }),
        );
      },
    };
    const { server, client } = await startReferenceServer({ providers: { openai: stalling } });
    const metadata = await authMetadata();
    const outcome = clientErrorOf(() => collect(client.invoke(chat(5), { metadata })));
    await started.promise;
    await server.close({ graceMs: 20 });
    await aborted.promise;
    const error = await outcome;
    expect(error.code).toBe(Status.CANCELLED);
    expect(server.inFlight).toBe(0);
  });

  it("health turns NOT_SERVING and Watch streams end cleanly instead of holding the shutdown", async () => {
    const { server } = await startReferenceServer({ offline: true });
    const channel = createChannel(server.address);
    const health = createClient(HealthDefinition, channel);
    const statuses: number[] = [];
    const first = deferred();
    const watching = (async () => {
      for await (const update of health.watch({ service: "model_service.ModelService" })) {
        statuses.push(update.status);
        first.resolve();
      }
    })();
    await first.promise;
    await server.close({ graceMs: 60_000 }); // would wait a minute if Watch held it
    await watching; // ended with status OK, not an error
    expect(statuses).toEqual([1, 2]); // SERVING, then NOT_SERVING
    channel.close();
  });

  it("close() is idempotent: one shutdown however often it is called, and afterwards nothing listens", async () => {
    const records: LogRecord[] = [];
    const { server, client } = await startReferenceServer({ offline: true, logger: (record) => records.push(record) });
    const metadata = await authMetadata();
    expect(await collect(client.invoke(chat(2), { metadata }))).toHaveLength(3);
    const first = server.close();
    expect(server.close()).toBe(first); // the same shutdown, not a second one
    await first;
    expect(server.close()).toBe(first); // and after it ended
    await server.close();
    expect(server.inFlight).toBe(0);
    expect(records.filter((record) => record.msg === "shutting down")).toHaveLength(1);
    expect(records.filter((record) => record.msg === "stopped")).toHaveLength(1);
    // The port is closed: a new connection is refused.
    const refused = await new Promise<string | undefined>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port: server.port });
      socket.once("connect", () => (socket.destroy(), resolve(undefined)));
      socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code));
    });
    expect(refused).toBe("ECONNREFUSED");
  });
});

describe("structured logs", () => {
  it("one record per call: request id, method, provider, invoke type, status, duration — no prompt, token or secret", async () => {
    const records: LogRecord[] = [];
    const { client } = await startReferenceServer({
      offline: true,
      logger: (record) => records.push(record),
      env: { OPENAI_API_KEY: "sk-live-should-never-appear-0123" },
    });
    const metadata = await authMetadata({ "x-request-id": "log-1" });
    const prompt = "my very private prompt";
    await collect(client.invoke({ ...chat(3), extra: { model: "gpt-4o", messages: [{ role: "user", content: prompt }], max_tokens: 3 } }, { metadata }));
    await clientErrorOf(() => collect(client.invoke({ ...chat(3), provider: "nope" }, { metadata })));

    const calls = records.filter((record) => record.msg === "call");
    expect(calls[0]).toMatchObject({
      level: "info",
      request_id: "log-1",
      method: "Invoke",
      provider: "openai",
      invoke_type: "chat-completions",
      model: "gpt-4o",
      stream: true,
      org_id: "org-1",
      user_id: "user-1",
      status: "OK",
      messages: 4,
      chunks: 4,
      finish_reason: "stop",
    });
    expect(calls[0]?.["duration_ms"]).toEqual(expect.any(Number));
    expect(calls[1]).toMatchObject({ level: "warn", status: "INVALID_ARGUMENT", error: expect.stringContaining('provider "nope"') });
    const text = JSON.stringify(records);
    expect(records.some((record) => record.msg === "listening")).toBe(true);
    expect(text).not.toContain(prompt);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("sk-live-should-never-appear-0123");
    expect(text).not.toContain(metadata.get("authorization")?.slice("Bearer ".length));
  });

  it("a provider error that echoes a configured key is redacted in the answer and the log", async () => {
    const key = "sk-live-echoed-by-provider-0123";
    const records: LogRecord[] = [];
    const echoing: ModelProvider = {
      async *invoke() {
        throw new Error(`Incorrect API key provided: ${key}`);
      },
    };
    const { client } = await startReferenceServer({ providers: { openai: echoing }, env: { OPENAI_API_KEY: key }, logger: (record) => records.push(record) });
    const [answer] = await collect(client.invoke({ ...chat(1), stream: false }, { metadata: await authMetadata() }));
    expect(answer?.error).toBe("openai request failed: Incorrect API key provided: [redacted]");
    expect(JSON.stringify(records)).not.toContain(key);
    expect(records.find((record) => record.msg === "call")?.["provider_error"]).toContain("[redacted]");
  });
});
