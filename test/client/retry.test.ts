// Retries: counts, codes, the same request id on every attempt, streams only
// before their first message, and never past the deadline.
import { ServerError, Status } from "nice-grpc";
import { describe, expect, it } from "vitest";
import {
  CancelledError,
  DeadlineExceededError,
  invoke,
  invokeBatch,
  invokeStream,
  StreamInterruptedError,
  UnavailableError,
  type InvokeRequest,
} from "tamar-model-client";
import { setup, userContext } from "../helpers/setup.js";
import { FINISHED, type InvokeHandler } from "../helpers/scripted-server.js";

const request: InvokeRequest = { provider: "openai", model: "m", messages: [{ role: "user", content: "hi" }], userContext };

/** Fails the first `failures` calls with `code` before any message, then answers normally. */
function failingFirst(failures: number, code: Status, then: InvokeHandler): InvokeHandler {
  let calls = 0;
  return (req, ctx) => {
    if (++calls <= failures) throw new ServerError(code, `failure ${calls}`);
    return then(req, ctx);
  };
}

async function* words(...list: string[]) {
  for (const [index, content] of list.entries()) yield { content, ...(index === list.length - 1 ? FINISHED : {}) };
}

describe("retries", () => {
  it("retries UNAVAILABLE before the first message, with the same request id each attempt", async () => {
    const { server, client } = await setup();
    server.invoke = failingFirst(2, Status.UNAVAILABLE, () => words("ok"));
    const response = await invoke(client, request);
    expect(response.content).toBe("ok");
    expect(server.calls).toHaveLength(3);
    expect(new Set(server.calls.map((call) => call.metadata["x-request-id"])).size).toBe(1);
    expect(response.requestId).toBe(server.calls[0]!.metadata["x-request-id"]);
  });

  it("retries RESOURCE_EXHAUSTED too", async () => {
    const { server, client } = await setup();
    server.invoke = failingFirst(1, Status.RESOURCE_EXHAUSTED, () => words("ok"));
    await invoke(client, request);
    expect(server.calls).toHaveLength(2);
  });

  it.each([Status.INVALID_ARGUMENT, Status.UNAUTHENTICATED, Status.PERMISSION_DENIED, Status.DEADLINE_EXCEEDED, Status.INTERNAL])(
    "never retries status %s",
    async (code) => {
      const { server, client } = await setup();
      server.invoke = failingFirst(1, code, () => words("ok"));
      await expect(invoke(client, request)).rejects.toMatchObject({ code });
      expect(server.calls).toHaveLength(1);
    },
  );

  it("gives up after maxRetries retries", async () => {
    const { server, client } = await setup({ client: { maxRetries: 2 } });
    server.invoke = failingFirst(10, Status.UNAVAILABLE, () => words("ok"));
    await expect(invoke(client, request)).rejects.toBeInstanceOf(UnavailableError);
    expect(server.calls).toHaveLength(3);
  });

  it("maxRetries: 0 makes exactly one attempt", async () => {
    const { server, client } = await setup({ client: { maxRetries: 0 } });
    server.invoke = failingFirst(1, Status.UNAVAILABLE, () => words("ok"));
    const error = await invoke(client, request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({ retryable: true });
    expect(server.calls).toHaveLength(1);
  });

  it("a stream failing before its first chunk is retried and delivers each chunk once", async () => {
    const { server, client } = await setup();
    server.invoke = failingFirst(1, Status.UNAVAILABLE, () => words("a", "b", "c"));
    const chunks: string[] = [];
    for await (const chunk of invokeStream(client, request)) chunks.push(chunk.content!);
    expect(chunks).toEqual(["a", "b", "c"]);
    expect(server.calls).toHaveLength(2);
  });

  it("a stream failing after a chunk is not retried: no duplicate, a StreamInterruptedError with the request id", async () => {
    const { server, client } = await setup();
    server.invoke = async function* () {
      yield { content: "a" };
      yield { content: "b" };
      throw new ServerError(Status.UNAVAILABLE, "backend went away");
    };
    const chunks: string[] = [];
    const error = await (async () => {
      for await (const chunk of invokeStream(client, request, { requestId: "req-cut" })) chunks.push(chunk.content!);
    })().catch((e: unknown) => e);
    expect(chunks).toEqual(["a", "b"]);
    expect(server.calls).toHaveLength(1);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(error).toMatchObject({ chunksReceived: 2, requestId: "req-cut", code: Status.UNAVAILABLE });
    expect((error as Error).cause).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain("req-cut");
  });

  it("retries a batch on UNAVAILABLE with the same request id", async () => {
    const { server, client } = await setup();
    let calls = 0;
    server.batchInvoke = async (req) => {
      if (++calls === 1) throw new ServerError(Status.UNAVAILABLE, "try again");
      return { items: req.items.map((item) => ({ content: "ok", customId: item.customId })) };
    };
    const batch = await invokeBatch(client, { userContext, items: [{ customId: "x", provider: "openai", model: "m", messages: [{ role: "user", content: "hi" }] }] });
    expect(batch.responses.map((r) => r.content)).toEqual(["ok"]);
    expect(server.calls).toHaveLength(2);
    expect(server.calls[0]!.metadata["x-request-id"]).toBe(server.calls[1]!.metadata["x-request-id"]);
  });

  it("a stream retry whose backoff would end past the deadline is not attempted", async () => {
    const { server, client } = await setup({ client: { retryDelayMs: 60_000 } });
    server.invoke = failingFirst(5, Status.UNAVAILABLE, () => words("ok"));
    const error = await invoke(client, request, { timeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(server.calls).toHaveLength(1);
  });

  it("a batch backoff is cut short by the deadline", async () => {
    const { server, client } = await setup({ client: { retryDelayMs: 60_000 } });
    server.batchInvoke = async () => {
      throw new ServerError(Status.UNAVAILABLE, "down");
    };
    const error = await invokeBatch(client, { userContext, items: [] }, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(server.calls).toHaveLength(1);
  });

  it("a backoff is cut short by abort", async () => {
    const { server, client } = await setup({ client: { retryDelayMs: 60_000 } });
    server.invoke = failingFirst(5, Status.UNAVAILABLE, () => words("ok"));
    const controller = new AbortController();
    const pending = invoke(client, request, { signal: controller.signal, timeoutMs: 120_000 });
    await server.nthCall(1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(server.calls).toHaveLength(1);
  });
});
