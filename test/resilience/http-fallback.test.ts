// The HTTP API as a fallback route (`{ http: url }`): the gRPC route is a
// scripted server on loopback that fails as each test says, the HTTP route
// the reference server's HTTP API (in a process of its own where it
// matters), or a loopback fake of that API for answers our server never
// sends (a stream cut before [DONE]).
import { ServerError, Status } from "nice-grpc";
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  CancelledError,
  createModelClient,
  DeadlineExceededError,
  FallbackExhaustedError,
  IncompleteAnswerError,
  InvalidArgumentError,
  MessageTooLargeError,
  invoke,
  invokeStream,
  PermissionDeniedError,
  StreamInterruptedError,
  UnavailableError,
  ValidationError,
  type InvokeRequest,
  type ModelResponse,
} from "tamar-model-client";
import { sseEvent, startFakeUpstream, startSse } from "../helpers/fake-upstream.js";
import { startReferenceServer } from "../helpers/reference-server.js";
import { setup } from "../helpers/setup.js";
import { SECRET } from "../helpers/tokens.js";
import { userContextFor } from "../helpers/user-context.js";
import { startServerProcess } from "./helpers/server-process.js";

const userContext = userContextFor("http-fallback");
const request: InvokeRequest = { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], userContext };
const text = (chunks: ModelResponse[]) => chunks.map((chunk) => chunk.content ?? "").join("");

async function collect(chunks: AsyncIterable<ModelResponse>): Promise<ModelResponse[]> {
  const all: ModelResponse[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

/** The reference server in process with its HTTP API, counting the calls it serves. */
async function httpReference(options: Parameters<typeof startReferenceServer>[0] = {}) {
  const calls: Record<string, unknown>[] = [];
  const { server } = await startReferenceServer({
    httpPort: 0,
    logger: (record) => {
      if (record.msg === "call") calls.push(record);
    },
    ...options,
  });
  return { url: server.httpUrl!, calls };
}

/** A gRPC route that fails every call with `code` before sending anything. */
const failingWith = (code: Status, details: string) =>
  async function* (): AsyncGenerator<never> {
    throw new ServerError(code, details);
  };

describe("HTTP fallback, end to end with server processes", () => {
  it("the gRPC replica is down: the reference server's HTTP API answers invoke and invokeStream, and the route says so", async () => {
    const server = await startServerProcess({ args: ["--http-port", "0", "--offline-chunk-delay-ms", "0"], logLevel: "info" });
    const url = /HTTP API on (http:\/\/127\.0\.0\.1:\d+)/.exec(await server.cli.line(/HTTP API on/))![1]!;
    // Nothing listens on the gRPC address: every attempt is UNAVAILABLE.
    const down = await unusedAddress();
    const client = createModelClient({ address: down, useTls: false, jwtSecretKey: SECRET, env: {}, envFile: false, retryDelayMs: 1, maxRetries: 1 });
    try {
      const response = await invoke(client, request, { fallbacks: [{ http: url }], requestId: "req-http-fb" });
      expect(response.content).toEqual(expect.any(String));
      expect(response.finishReason).toBe("stop");
      expect(response.route).toMatchObject({ index: 1, transport: "http", address: url, provider: "openai", model: "gpt-4o-mini" });
      expect(response.attempts).toHaveLength(1);
      expect(response.attempts![0]!.route.transport).toBe("grpc");
      expect(response.attempts![0]!.error).toBeInstanceOf(UnavailableError);
      expect(response.requestId).toBe("req-http-fb.fallback-1");

      const chunks = await collect(invokeStream(client, request, { fallbacks: [{ http: url }] }));
      expect(text(chunks)).toBe(response.content);
      expect(chunks.at(-1)!.finishReason).toBe("stop");
      expect(chunks.at(-1)!.route).toMatchObject({ transport: "http", address: url });
    } finally {
      await client.close();
    }
  });
});

// A loopback address where nothing listens.
async function unusedAddress(): Promise<string> {
  const { createServer } = await import("node:net");
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

describe("HTTP fallback triggers", () => {
  it("UNAVAILABLE / RESOURCE_EXHAUSTED after retries move on to the HTTP route; the fallback patch applies there too", async () => {
    const http = await httpReference();
    const { server, client } = await setup({ server: { jwtSecret: SECRET }, client: { jwtSecretKey: SECRET, maxRetries: 1 } });
    server.invoke = failingWith(Status.RESOURCE_EXHAUSTED, "quota");
    const response = await invoke(client, request, { fallbacks: [{ http: http.url, provider: "anthropic", model: "claude-sonnet-4-5", max_tokens: 64 }] });
    expect(response.route).toMatchObject({ transport: "http", provider: "anthropic", model: "claude-sonnet-4-5" });
    expect(server.calls).toHaveLength(2); // the first route's retries
    expect(http.calls).toHaveLength(1);
    expect(http.calls[0]).toMatchObject({ status: "OK", provider: "anthropic", org_id: userContext.orgId });
  });

  for (const [code, kind] of [
    [Status.INVALID_ARGUMENT, InvalidArgumentError],
    [Status.UNAUTHENTICATED, AuthenticationError],
    [Status.PERMISSION_DENIED, PermissionDeniedError],
  ] as const) {
    it(`never for ${Status[code]}: the call fails with its own error, the HTTP API sees nothing`, async () => {
      const http = await httpReference();
      const { server, client } = await setup({ client: { jwtSecretKey: SECRET } });
      server.invoke = failingWith(code, "no");
      await expect(invoke(client, request, { fallbacks: [{ http: http.url }] })).rejects.toBeInstanceOf(kind);
      await expect(collect(invokeStream(client, request, { fallbacks: [{ http: http.url }] }))).rejects.toBeInstanceOf(kind);
      expect(http.calls).toHaveLength(0);
    });
  }

  it("the Python SDK's environment: MODEL_CLIENT_HTTP_FALLBACK_URL with MODEL_CLIENT_RESILIENT_ENABLED=true is the last route", async () => {
    const http = await httpReference();
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (_fields: object, message?: string) => void warnings.push(message ?? ""), error() {} };
    const base = { server: { jwtSecret: SECRET }, client: { jwtSecretKey: SECRET, maxRetries: 0, logger } };
    const on = await setup({ ...base, client: { ...base.client, env: { MODEL_CLIENT_RESILIENT_ENABLED: "true", MODEL_CLIENT_HTTP_FALLBACK_URL: http.url } } });
    on.server.invoke = failingWith(Status.UNAVAILABLE, "down");
    const response = await invoke(on.client, request);
    expect(response.route).toMatchObject({ transport: "http", address: http.url, index: 1 });
    expect(on.client.settings.httpFallbackUrl).toBe(http.url);

    // Without the resilient switch the URL is ignored, as by the Python SDK, and a warning says so.
    const off = await setup({ ...base, client: { ...base.client, env: { MODEL_CLIENT_HTTP_FALLBACK_URL: http.url } } });
    off.server.invoke = failingWith(Status.UNAVAILABLE, "down");
    await expect(invoke(off.client, request)).rejects.toBeInstanceOf(UnavailableError);
    expect(warnings).toContainEqual(expect.stringContaining("MODEL_CLIENT_HTTP_FALLBACK_URL is ignored because MODEL_CLIENT_RESILIENT_ENABLED is not true"));
    expect(http.calls).toHaveLength(1);

    expect(() => createModelClient({ address: "127.0.0.1:1", useTls: false, envFile: false, env: { MODEL_CLIENT_RESILIENT_ENABLED: "on", MODEL_CLIENT_HTTP_FALLBACK_URL: "ftp://x" } })).toThrow(
      /Invalid environment variable MODEL_CLIENT_HTTP_FALLBACK_URL: must be an http:\/\/ or https:\/\/ URL, got "ftp:\/\/x"/,
    );
    expect(() => createModelClient({ address: "127.0.0.1:1", useTls: false, envFile: false, env: {}, httpFallbackUrl: "not a url" })).toThrow(/Invalid option httpFallbackUrl/);
    expect(() => createModelClient({ address: "127.0.0.1:1", useTls: false, envFile: false, env: { MODEL_CLIENT_RESILIENT_ENABLED: "maybe" } })).toThrow(
      /MODEL_CLIENT_RESILIENT_ENABLED: expected true/,
    );
  });

  it("a request the client refuses never leaves: a bad http URL or a patched request is a ValidationError", async () => {
    const http = await httpReference();
    const { server, client } = await setup({ client: { jwtSecretKey: SECRET } });
    const error = await invoke(client, request, { fallbacks: [{ http: "ftp://127.0.0.1:1" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]!.path).toBe("options.fallbacks.0.http");
    const patched = await invoke(client, request, { fallbacks: [{ http: http.url, provider: "google" }] }).catch((e: unknown) => e);
    expect(patched).toBeInstanceOf(ValidationError);
    expect((patched as ValidationError).issues.some((issue) => issue.path.startsWith("fallbacks.0."))).toBe(true);
    expect(server.calls).toHaveLength(0);
    expect(http.calls).toHaveLength(0);
    // As a client default it is checked at creation.
    expect(() => createModelClient({ address: "127.0.0.1:1", useTls: false, env: {}, envFile: false, fallbacks: [{ http: "not a url" }] })).toThrow(
      /fallbacks\.0\.http: must be the base URL/,
    );
  });

  it("a stream falls back to HTTP before its first content, never after it", async () => {
    const http = await httpReference();
    const { server, client } = await setup({ client: { jwtSecretKey: SECRET, maxRetries: 0 } });
    // A metadata-only frame, then the route fails: nothing of it reaches the caller.
    server.invoke = async function* () {
      yield { content: "", rawResponse: JSON.stringify({ type: "response.created" }) };
      throw new ServerError(Status.UNAVAILABLE, "replica went away");
    };
    const chunks = await collect(invokeStream(client, request, { fallbacks: [{ http: http.url }] }));
    expect(chunks.every((chunk) => chunk.route?.transport === "http")).toBe(true);
    expect(JSON.stringify(chunks.map((chunk) => chunk.rawResponse))).not.toMatch(/response\.created/);
    expect(http.calls).toHaveLength(1);

    // Content, then the route fails: the stream is interrupted, no second answer is spliced on.
    server.invoke = async function* () {
      yield { content: "Half an ans" };
      throw new ServerError(Status.UNAVAILABLE, "replica went away");
    };
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of invokeStream(client, request, { fallbacks: [{ http: http.url }] })) seen.push(chunk.content ?? "");
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(seen.join("")).toBe("Half an ans");
    expect(http.calls).toHaveLength(1);
  });
});

describe("HTTP route errors are typed", () => {
  it("the HTTP API refuses the token: an AuthenticationError naming HTTP 401", async () => {
    const http = await httpReference({ jwtSecretKey: "another-secret-0123456789" });
    const { server, client } = await setup({ client: { jwtSecretKey: SECRET, maxRetries: 0 } });
    server.invoke = failingWith(Status.UNAVAILABLE, "down");
    const error = await invoke(client, request, { fallbacks: [{ http: http.url }], requestId: "req-401" }).catch((e: unknown) => e);
    // Like any route's error that is no trigger, it ends the call as it is.
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).message).toMatch(/HTTP 401 from http:\/\/127\.0\.0\.1:\d+/);
    expect((error as AuthenticationError).requestId).toBe("req-401");
    // The route went as a request of its own.
    expect(http.calls[0]).toMatchObject({ status: "UNAUTHENTICATED", request_id: "req-401.fallback-1" });
  });

  it("the HTTP API's refusal of the request is an InvalidArgumentError naming the field", async () => {
    const http = await httpReference();
    const { server, client } = await setup({ client: { jwtSecretKey: SECRET, maxRetries: 0 } });
    server.invoke = failingWith(Status.UNAVAILABLE, "down");
    // A file id the client sends as given; the reference server has no file store (FAILED_PRECONDITION).
    const edit = { provider: "openai", prompt: "Make it blue", image: { file_id: "file-abc" }, userContext } as InvokeRequest;
    const error = await invoke(client, edit, { fallbacks: [{ http: http.url }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).message).toMatch(/image.*HTTP 400 from/s);
    expect(http.calls[0]).toMatchObject({ status: "FAILED_PRECONDITION" });
  });

  it("an HTTP stream cut before data: [DONE] is an IncompleteAnswerError, never a short answer", async () => {
    const fake = await startFakeUpstream((_req, res) => {
      startSse(res);
      res.write(sseEvent({ content: "Hi", usage: null, raw_response: null, error: null, request_id: "r" }));
      res.end();
    });
    const { server, client } = await setup({ client: { jwtSecretKey: SECRET, maxRetries: 0 } });
    server.invoke = failingWith(Status.UNAVAILABLE, "down");
    const error = await collect(invokeStream(client, request, { fallbacks: [{ http: fake.url }] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as StreamInterruptedError).cause).toBeInstanceOf(IncompleteAnswerError);
    expect(fake.requests[0]!.path).toBe("/v1/invoke");
    expect(fake.requests[0]!.json()).toMatchObject({ provider: "openai", model: "gpt-4o-mini", stream: true, user_context: { org_id: userContext.orgId } });
    expect(fake.requests[0]!.headers["authorization"]).toMatch(/^Bearer /);

    // A unary answer cut inside its JSON body.
    const cutBody = await startFakeUpstream((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"content": "Hi the');
    });
    const unary = await invoke(client, request, { fallbacks: [{ http: cutBody.url }] }).catch((e: unknown) => e);
    expect(unary).toBeInstanceOf(IncompleteAnswerError);
  });

  it("an HTTP answer or stream event over maxMessageBytes is a MessageTooLargeError, read no further", async () => {
    const limit = 4 * 1024 * 1024;
    const huge = "x".repeat(limit + 1);
    const fake = await startFakeUpstream((req, res) => {
      const stream = (req.headers["accept"] ?? "").includes("text/event-stream");
      if (stream) {
        startSse(res);
        res.write(`data: {"content": "${huge}`);
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.write(`{"content": "${huge}`);
      }
      // Never ends: only the client's bound stops the read.
    });
    const { server, client } = await setup({ client: { jwtSecretKey: SECRET, maxRetries: 0, maxMessageBytes: limit } });
    server.invoke = failingWith(Status.UNAVAILABLE, "down");
    // The HTTP route is the last one: its error is the last attempt of the exhausted fallbacks.
    const httpError = (error: unknown) => {
      expect(error).toBeInstanceOf(FallbackExhaustedError);
      return (error as FallbackExhaustedError).attempts.at(-1)!.error;
    };
    const unary = httpError(await invoke(client, request, { fallbacks: [{ http: fake.url }] }).catch((e: unknown) => e));
    expect(unary).toBeInstanceOf(MessageTooLargeError);
    expect((unary as MessageTooLargeError).limitBytes).toBe(limit);
    const streamed = httpError(await collect(invokeStream(client, request, { fallbacks: [{ http: fake.url }] })).catch((e: unknown) => e));
    expect(streamed).toBeInstanceOf(MessageTooLargeError);
  });

  it("a provider answer cut at the server arrives as an SSE error event: IncompleteAnswerError after the chunks that came", async () => {
    const upstream = await startFakeUpstream((_req, res) => {
      startSse(res);
      res.write(sseEvent({ id: "c1", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: null }] }));
      res.end();
    });
    const http = await httpReference({ env: { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: `${upstream.url}/v1` }, providerMaxRetries: 0 });
    const { server, client } = await setup({ client: { jwtSecretKey: SECRET, maxRetries: 0 } });
    server.invoke = failingWith(Status.UNAVAILABLE, "down");
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of invokeStream(client, request, { fallbacks: [{ http: http.url }] })) seen.push(chunk.content ?? "");
    })().catch((e: unknown) => e);
    expect(seen.join("")).toBe("Hi");
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as StreamInterruptedError).cause).toBeInstanceOf(IncompleteAnswerError);
    expect(http.calls[0]).toMatchObject({ status: "DATA_LOSS" });
  });

  it("the call's deadline bounds the HTTP route; the caller's abort cancels it", async () => {
    const stalled = await startFakeUpstream(() => new Promise<void>(() => {}));
    const { server, client } = await setup({ client: { jwtSecretKey: SECRET, maxRetries: 0 } });
    server.invoke = failingWith(Status.UNAVAILABLE, "down");
    // The deadline ends the whole call, whichever route it is on.
    await expect(invoke(client, request, { fallbacks: [{ http: stalled.url }], timeoutMs: 300 })).rejects.toBeInstanceOf(DeadlineExceededError);
    await (await stalled.nextRequest()).aborted;

    const controller = new AbortController();
    const call = invoke(client, request, { fallbacks: [{ http: stalled.url }], signal: controller.signal });
    const received = await stalled.nextRequest();
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(CancelledError);
    // The HTTP request is closed, so the server stops its upstream work.
    await received.aborted;
  });
});
