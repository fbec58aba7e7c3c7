// Fallback routes on a real gRPC server on loopback: each trigger and each
// non-trigger of the issue, what the answer says about its route, streams
// before and after their first content, and the checks on the patches.
import { ServerError, Status } from "nice-grpc";
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  CancelledError,
  ConfigurationError,
  createModelClient,
  DeadlineExceededError,
  FallbackExhaustedError,
  invoke,
  invokeStream,
  InvalidArgumentError,
  PermissionDeniedError,
  ProviderError,
  RateLimitError,
  StreamInterruptedError,
  UnavailableError,
  ValidationError,
  type AttemptEvent,
  type InvokeRequest,
  type ModelResponse,
} from "tamar-model-client";
import { aborted, setup, userContext } from "../helpers/setup.js";
import type { InvokeHandler } from "../helpers/scripted-server.js";

const request: InvokeRequest = { provider: "openai", model: "primary", messages: [{ role: "user", content: "hi" }], userContext };
const toAnthropic = { provider: "anthropic", model: "claude-x", max_tokens: 64 } as const;

const modelOf = (req: { extra?: { [key: string]: unknown } | undefined }) => String(req.extra?.["model"]);

/** Fails every call on the models in `failing` as `fail` says; answers the others with their model's name. */
function byModel(failing: Record<string, () => never | { error: string }>): InvokeHandler {
  return async function* (req) {
    const fail = failing[modelOf(req)];
    if (fail) {
      yield fail();
      return;
    }
    yield { content: `answer of ${modelOf(req)}` };
  };
}

const status = (code: Status) => (): never => {
  throw new ServerError(code, `${Status[code]} from the route`);
};
const inBand = (error: string) => () => ({ error });

describe("fallback triggers", () => {
  it("a retryable status after the route's retries: the next route answers; route, attempts and request ids say so", async () => {
    const events: AttemptEvent[] = [];
    const { server, client } = await setup({ client: { maxRetries: 2, onAttempt: (event) => events.push(event) } });
    server.invoke = byModel({ primary: status(Status.UNAVAILABLE) });
    const response = await invoke(client, request, { fallbacks: [{ model: "second" }], requestId: "req-1" });
    expect(response.content).toBe("answer of second");
    expect(response.route).toMatchObject({ index: 1, provider: "openai", model: "second", address: server.address });
    expect(response.attempts).toHaveLength(1);
    expect(response.attempts![0]!.route).toMatchObject({ index: 0, model: "primary" });
    expect(response.attempts![0]!.error).toBeInstanceOf(UnavailableError);
    // Three attempts on the first route with one id; the fallback is a request of its own.
    expect(server.calls.map((call) => [modelOf(call.request as never), call.metadata["x-request-id"]])).toEqual([
      ["primary", "req-1"],
      ["primary", "req-1"],
      ["primary", "req-1"],
      ["second", "req-1.fallback-1"],
    ]);
    expect(events.map((event) => [event.route.index, event.outcome, event.fallingBack])).toEqual([
      [0, "failure", true],
      [1, "success", false],
    ]);
  });

  it.each([
    ["rate_limit", "openai request failed, HTTP 429: Rate limit reached"],
    ["overloaded", "anthropic request failed, HTTP 529: Overloaded"],
    ["server_error", "openai request failed, HTTP 500: The server had an error"],
    ["context_length", "openai request failed, HTTP 400: This model's maximum context length is 8192 tokens"],
  ])("an in-band provider error of kind %s moves on to the next provider", async (kind, text) => {
    const { server, client } = await setup({ client: { requireFinishReason: false } });
    server.invoke = byModel({ primary: inBand(text) });
    const response = await invoke(client, request, { fallbacks: [toAnthropic] });
    expect(response.content).toBe("answer of claude-x");
    expect(response.route).toMatchObject({ index: 1, provider: "anthropic", model: "claude-x" });
    expect(response.attempts![0]!.error).toBeInstanceOf(ProviderError);
    expect((response.attempts![0]!.error as ProviderError).kind).toBe(kind);
    expect(server.calls).toHaveLength(2);
  });

  it("a provider error of another kind does not fall back, unless fallbackOn names it", async () => {
    const { server, client } = await setup({ client: { requireFinishReason: false } });
    server.invoke = byModel({ primary: inBand("openai request failed, HTTP 400: Invalid value for 'temperature'") });
    await expect(invoke(client, request, { fallbacks: [{ model: "second" }] })).rejects.toMatchObject({ name: "ProviderError", kind: "other" });
    expect(server.calls).toHaveLength(1);
    const response = await invoke(client, request, { fallbacks: [{ model: "second" }], fallbackOn: ["other"] });
    expect(response.route?.model).toBe("second");
    // and fallbackOn can narrow the defaults
    server.invoke = byModel({ primary: inBand("openai request failed, HTTP 429: slow down") });
    await expect(invoke(client, request, { fallbacks: [{ model: "second" }], fallbackOn: ["overloaded"] })).rejects.toBeInstanceOf(ProviderError);
  });

  it("the client's default fallbacks apply to every call; a call's own list replaces them, [] turns them off", async () => {
    const { server, client } = await setup({ client: { fallbacks: [{ model: "default-fb" }], maxRetries: 0 } });
    server.invoke = byModel({ primary: status(Status.UNAVAILABLE) });
    expect((await invoke(client, request)).route?.model).toBe("default-fb");
    expect((await invoke(client, request, { fallbacks: [{ model: "own" }] })).route?.model).toBe("own");
    await expect(invoke(client, request, { fallbacks: [] })).rejects.toBeInstanceOf(UnavailableError);
  });

  it("every route failing: one FallbackExhaustedError with each route's error, in order", async () => {
    const { server, client } = await setup({ client: { maxRetries: 0, requireFinishReason: false } });
    server.invoke = byModel({
      primary: status(Status.UNAVAILABLE),
      second: inBand("openai request failed, HTTP 429: Rate limit reached"),
      third: status(Status.RESOURCE_EXHAUSTED),
    });
    const error = await invoke(client, request, { fallbacks: [{ model: "second" }, { model: "third" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FallbackExhaustedError);
    const { attempts } = error as FallbackExhaustedError;
    expect(attempts.map((attempt) => [attempt.route.model, attempt.error.constructor])).toEqual([
      ["primary", UnavailableError],
      ["second", ProviderError],
      ["third", RateLimitError],
    ]);
    expect((error as Error).message).toMatch(/primary.*second.*third/s);
  });
});

describe("never a fallback", () => {
  it.each([
    [Status.INVALID_ARGUMENT, InvalidArgumentError],
    [Status.UNAUTHENTICATED, AuthenticationError],
    [Status.PERMISSION_DENIED, PermissionDeniedError],
  ])("status %s fails the call as it is", async (code, ErrorClass) => {
    const { server, client } = await setup({ client: { requireFinishReason: false } });
    server.invoke = byModel({ primary: status(code) });
    await expect(invoke(client, request, { fallbacks: [{ model: "second" }] })).rejects.toBeInstanceOf(ErrorClass);
    expect(server.calls).toHaveLength(1);
  });

  it("a bad fallback is a ValidationError naming it, before any I/O", async () => {
    const { server, client } = await setup({ client: { requireFinishReason: false } });
    const error = await invoke(client, request, { fallbacks: [{ model: "ok" }, { provider: "google", model: "g" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    // Google takes `contents`, not `messages`: the patched request is checked like any request.
    expect((error as ValidationError).issues.some((issue) => issue.path.startsWith("fallbacks.1."))).toBe(true);
    await expect(invoke(client, request, { fallbacks: [{ userContext } as never] })).rejects.toThrow(/options\.fallbacks\.0\.userContext/);
    await expect(invoke(client, request, { fallbacks: [{ provider: "nope" } as never] })).rejects.toThrow(/options\.fallbacks\.0\.provider/);
    expect(server.calls).toHaveLength(0);
  });

  it("a bad client default is a ConfigurationError at creation", () => {
    expect(() => createModelClient({ address: "127.0.0.1:1", useTls: false, env: {}, envFile: false, fallbacks: [{ channel: "nowhere" } as never] })).toThrow(
      ConfigurationError,
    );
    expect(() => createModelClient({ address: "127.0.0.1:1", useTls: false, env: {}, envFile: false, fallbackOn: ["sometimes"] as never })).toThrow(
      /fallbackOn\.0/,
    );
  });

  it("the caller's abort cancels every route", async () => {
    const { server, client } = await setup({ client: { requireFinishReason: false } });
    const controller = new AbortController();
    server.invoke = async function* (_req, context) {
      controller.abort();
      await aborted(context.signal);
      yield { content: "late" };
    };
    await expect(invoke(client, request, { fallbacks: [{ model: "second" }], signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(server.calls).toHaveLength(1);
  });

  it("the call's deadline bounds all routes: no fallback starts after it", async () => {
    const { server, client } = await setup({ client: { requireFinishReason: false } });
    server.invoke = async function* (_req, context) {
      await aborted(context.signal);
      yield { content: "late" };
    };
    await expect(invoke(client, request, { fallbacks: [{ model: "second" }], timeoutMs: 200 })).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(server.calls).toHaveLength(1);
  });
});

describe("streams", () => {
  it("fall back before the first content: metadata frames of the failed route are dropped, the answer is one route's", async () => {
    const { server, client } = await setup({ client: { requireFinishReason: false } });
    server.invoke = async function* (req) {
      const model = modelOf(req);
      yield { rawResponse: JSON.stringify({ type: "response.created", response: { id: model } }) };
      if (model === "primary") {
        yield { error: "openai request failed: insufficient_quota: You exceeded your current quota" };
        return;
      }
      yield { content: "from " };
      yield { content: model };
    };
    const chunks: ModelResponse[] = [];
    for await (const chunk of invokeStream(client, request, { fallbacks: [{ model: "second" }] })) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.content ?? (chunk.rawResponse as { response: { id: string } }).response.id)).toEqual([
      "second",
      "from ",
      "second",
    ]);
    expect(chunks.every((chunk) => chunk.route?.index === 1)).toBe(true);
    expect(chunks[0]!.attempts![0]!.error).toMatchObject({ name: "ProviderError", kind: "rate_limit" });
  });

  it("never after content: the stream fails as without fallbacks and the next route is not called", async () => {
    const { server, client } = await setup({ client: { maxRetries: 0, requireFinishReason: false } });
    server.invoke = async function* () {
      yield { content: "partial" };
      throw new ServerError(Status.UNAVAILABLE, "connection lost");
    };
    const chunks: string[] = [];
    const error = await (async () => {
      for await (const chunk of invokeStream(client, request, { fallbacks: [{ model: "second" }] })) chunks.push(chunk.content!);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(chunks).toEqual(["partial"]);
    expect(server.calls).toHaveLength(1);
  });

  it("a provider error after content is the stream's ProviderError, never a second answer", async () => {
    const { server, client } = await setup({ client: { requireFinishReason: false } });
    server.invoke = async function* () {
      yield { content: "partial" };
      yield { error: "openai request failed, HTTP 500: oops" };
    };
    const chunks: string[] = [];
    const error = await (async () => {
      for await (const chunk of invokeStream(client, request, { fallbacks: [{ model: "second" }] })) chunks.push(chunk.content!);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(chunks).toEqual(["partial"]);
    expect(server.calls).toHaveLength(1);
  });
});

describe("calls without routes", () => {
  it("invokeBatch and the task lookups refuse fallbacks instead of ignoring them", async () => {
    const { invokeBatch, getTaskStatus } = await import("tamar-model-client");
    const { server, client } = await setup({ client: { requireFinishReason: false } });
    await expect(
      invokeBatch(client, { userContext, items: [{ provider: "openai", model: "m", input: "x" }] }, { fallbacks: [{ model: "n" }] }),
    ).rejects.toThrow(/options\.fallbacks: only invoke and invokeStream take fallbacks, not invokeBatch/);
    await expect(getTaskStatus(client, "t", { fallbackOn: ["other"] })).rejects.toBeInstanceOf(ValidationError);
    expect(server.calls).toHaveLength(0);
  });
});
