// Retry control: per-call overrides of the policy (checked), the server's
// back-off hint on an error status, the commit point of a stream (content,
// not metadata), and user middlewares around the whole call or each attempt.
import { type CallOptions, type ClientMiddlewareCall, ServerError, Status } from "nice-grpc";
import { describe, expect, it } from "vitest";
import {
  invoke,
  invokeStream,
  InternalError,
  RateLimitError,
  UnavailableError,
  ValidationError,
  type InvokeRequest,
} from "tamar-model-client";
import { setup, userContext } from "../helpers/setup.js";
import type { InvokeHandler } from "../helpers/scripted-server.js";

const request: InvokeRequest = { provider: "openai", model: "m", messages: [{ role: "user", content: "hi" }], userContext };

function failingFirst(failures: number, code: Status, hintMs?: number): InvokeHandler {
  let calls = 0;
  return async function* (_request, context) {
    if (++calls <= failures) {
      if (hintMs !== undefined) context.trailer.set("retry-after-ms", String(hintMs));
      throw new ServerError(code, `failure ${calls}`);
    }
    yield { content: "ok" };
  };
}

describe("per-call retry policy", () => {
  it("maxRetries per call wins over the client's, both ways", async () => {
    const { server, client } = await setup({ client: { maxRetries: 3 } });
    server.invoke = failingFirst(100, Status.UNAVAILABLE);
    await expect(invoke(client, request, { retry: { maxRetries: 0 } })).rejects.toBeInstanceOf(UnavailableError);
    expect(server.calls).toHaveLength(1);
    await expect(invoke(client, request, { retry: { maxRetries: 5 } })).rejects.toBeInstanceOf(UnavailableError);
    expect(server.calls).toHaveLength(1 + 6);
  });

  it("retryableCodes per call: INTERNAL retried for this call only", async () => {
    const { server, client } = await setup({ client: { requireFinishReason: false } });
    server.invoke = failingFirst(1, Status.INTERNAL);
    await expect(invoke(client, request)).rejects.toBeInstanceOf(InternalError);
    server.invoke = failingFirst(1, Status.INTERNAL);
    expect((await invoke(client, request, { retry: { retryableCodes: [Status.INTERNAL] } })).content).toBe("ok");
    expect(server.calls).toHaveLength(1 + 2);
  });

  it("a stream honours the override too", async () => {
    const { server, client } = await setup({ client: { maxRetries: 0, requireFinishReason: false } });
    server.invoke = failingFirst(2, Status.UNAVAILABLE);
    const chunks: string[] = [];
    for await (const chunk of invokeStream(client, request, { retry: { maxRetries: 2, delayMs: 1 } })) chunks.push(chunk.content!);
    expect(chunks).toEqual(["ok"]);
    expect(server.calls).toHaveLength(3);
  });

  it.each([
    [{ maxRetries: -1 }, "options.retry.maxRetries"],
    [{ maxRetries: 1.5 }, "options.retry.maxRetries"],
    [{ delayMs: Number.NaN }, "options.retry.delayMs"],
    [{ retryableCodes: [Status.UNAUTHENTICATED] }, "options.retry.retryableCodes.0"],
    [{ retryableCodes: [99] }, "options.retry.retryableCodes.0"],
    [{ retries: 3 }, "options.retry.retries"],
  ])("rejects %o before any I/O, naming %s", async (retry, path) => {
    const { server, client } = await setup({ client: { requireFinishReason: false } });
    const error = await invoke(client, request, { retry: retry as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toContain(path);
    expect(server.calls).toHaveLength(0);
  });
});

describe("the server's back-off hint on an error status", () => {
  it("RESOURCE_EXHAUSTED with retry-after-ms: the retry waits the hint, not the backoff", async () => {
    const { server, client } = await setup({ client: { retryDelayMs: 1 } });
    server.invoke = failingFirst(1, Status.RESOURCE_EXHAUSTED, 300);
    const started = performance.now();
    expect((await invoke(client, request)).content).toBe("ok");
    expect(server.calls).toHaveLength(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
  });

  it("a hint past the deadline fails the call at once with the status's error", async () => {
    const { server, client } = await setup({ client: { retryDelayMs: 1 } });
    server.invoke = failingFirst(1, Status.RESOURCE_EXHAUSTED, 60_000);
    const error = await invoke(client, request, { timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(server.calls).toHaveLength(1);
  });

  it("a hint longer than maxRetryAfterMs fails at once even without a deadline", async () => {
    const { server, client } = await setup({ client: { retryDelayMs: 1 } });
    server.invoke = failingFirst(1, Status.UNAVAILABLE, 5_000);
    const chunks = invokeStream(client, request, { retry: { maxRetryAfterMs: 1_000 } });
    await expect(chunks.next()).rejects.toBeInstanceOf(UnavailableError);
    expect(server.calls).toHaveLength(1);
  });
});

describe("the commit point of a stream", () => {
  it("metadata-only frames do not commit: a failure after them is retried and they are not delivered twice", async () => {
    const { server, client } = await setup({ client: { requireFinishReason: false } });
    let calls = 0;
    server.invoke = async function* () {
      yield { rawResponse: JSON.stringify({ type: "response.created", response: { id: `r${++calls}` } }) };
      if (calls === 1) throw new ServerError(Status.UNAVAILABLE, "dropped");
      yield { content: "a" };
      yield { content: "b" };
    };
    const chunks = [];
    for await (const chunk of invokeStream(client, request)) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.content ?? (chunk.rawResponse as { response: { id: string } }).response.id)).toEqual(["r2", "a", "b"]);
    expect(server.calls).toHaveLength(2);
  });

  it("a tool-call fragment commits like text: a failure after it is not retried", async () => {
    const { server, client } = await setup({ client: { requireFinishReason: false } });
    server.invoke = async function* () {
      yield { rawResponse: JSON.stringify({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: "c1", function: { name: "f" } }] } }] }) };
      throw new ServerError(Status.UNAVAILABLE, "dropped");
    };
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const chunk of invokeStream(client, request)) seen.push(chunk);
    })().catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(error).toMatchObject({ name: "StreamInterruptedError", chunksReceived: 1 });
    expect(server.calls).toHaveLength(1);
  });
});

describe("user middlewares", () => {
  function counting(log: string[], name: string) {
    return async function* <Req, Res>(call: ClientMiddlewareCall<Req, Res>, options: CallOptions) {
      log.push(`${name}:${(call.request as { extra?: { model?: string } }).extra?.model}`);
      return yield* call.next(call.request, options);
    };
  }

  it("callMiddlewares run once around the whole call (retries and fallbacks); middlewares once per attempt", async () => {
    const log: string[] = [];
    const { server, client } = await setup({
      client: { callMiddlewares: [counting(log, "call")], middlewares: [counting(log, "attempt")], maxRetries: 1 },
    });
    let calls = 0;
    server.invoke = async function* (req) {
      if (++calls <= 2) throw new ServerError(Status.UNAVAILABLE, "down");
      yield { content: String(req.extra?.["model"]) };
    };
    const response = await invoke(client, request, { fallbacks: [{ model: "m2" }] });
    expect(response.content).toBe("m2");
    expect(log).toEqual(["call:m", "attempt:m", "attempt:m", "attempt:m2"]);
  });
});
