// Fallback attempts in the client's telemetry, with the real OpenTelemetry
// SDK's in-memory exporters: each route left for the next is a
// `tamar.fallback` event on the call's span, naming the route tried next
// (on the span's own GenAI and server names), the route that failed and its
// error; attempts are numbered over the whole call, retries included. A call
// whose every route failed ends its span as an error with
// `error.type` FallbackExhaustedError. Unary and stream, through the
// reference server and the official openai SDK to a loopback fake provider;
// a route its circuit breaker refuses is a fallback too.
import { SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { ClientError, type ClientMiddleware, Status } from "nice-grpc-common";
import { describe, expect, it } from "vitest";
import { FallbackExhaustedError, invoke, invokeStream, type InvokeRequest, type ModelClientOptions } from "tamar-model-client";
import type { ModelRequestItem } from "../../src/gen/model_service/model_service.js";
import { startStack, userContext } from "../e2e/helpers/stack.js";
import { sendJson, startFakeUpstream, type RecordedRequest } from "../helpers/fake-upstream.js";
import { inMemoryTelemetry, type InMemoryTelemetry, parentOf } from "../helpers/otel.js";
import { openAIApi, openAIError } from "../helpers/provider-wire/openai.js";

const CLIENT_SCOPE = "tamar-model-client";
const SERVER_SCOPE = "tamar-model-client/server";

const request = (stream: boolean): InvokeRequest =>
  ({ provider: "openai", model: "primary", stream, messages: [{ role: "user", content: "Hello" }], userContext }) as InvokeRequest;
const toSecond = [{ model: "gpt-4o-mini" }];

/** A fake OpenAI that fails (HTTP 500) every request for a model in `failing`, and answers the others. */
function failingModels(...failing: string[]) {
  return (req: RecordedRequest, res: Parameters<typeof openAIApi>[1]) =>
    failing.includes(req.json().model) ? sendJson(res, 500, openAIError("upstream exploded", "server_error", "server_error")) : openAIApi(req, res);
}

async function stack(telemetry: InMemoryTelemetry, upstream: ReturnType<typeof failingModels>, client: ModelClientOptions = {}) {
  const fake = await startFakeUpstream(upstream);
  const providers = { tracerProvider: telemetry.tracerProvider, meterProvider: telemetry.meterProvider };
  const started = await startStack({ openai: fake.url }, { server: { telemetry: providers }, client: { telemetry: providers, ...client } });
  return { client: started.client, port: Number(started.address.slice(started.address.lastIndexOf(":") + 1)), fake };
}

/** The client's span once it has ended, and the server's RPC spans that ended with it. */
async function spansOf(telemetry: InMemoryTelemetry, rpcs: number): Promise<{ call: ReadableSpan; servers: ReadableSpan[] }> {
  await expect.poll(() => telemetry.spans().filter((s) => s.instrumentationScope.name === CLIENT_SCOPE).length).toBe(1);
  await expect
    .poll(() => telemetry.spans().filter((s) => s.instrumentationScope.name === SERVER_SCOPE && s.name === "model_service.ModelService/Invoke").length)
    .toBe(rpcs);
  const spans = telemetry.spans();
  return {
    call: spans.find((s) => s.instrumentationScope.name === CLIENT_SCOPE)!,
    servers: spans.filter((s) => s.instrumentationScope.name === SERVER_SCOPE && s.name === "model_service.ModelService/Invoke"),
  };
}

const events = (span: ReadableSpan) => span.events.map((event) => ({ name: event.name, attributes: event.attributes }));

/** The event of a fallback from `primary` to `gpt-4o-mini` after attempt `attempt` failed with `error`. */
const fallbackEvent = (port: number, attempt: number, error: Record<string, unknown>) => ({
  name: "tamar.fallback",
  attributes: {
    "tamar.attempt": attempt,
    ...error,
    "tamar.route.index": 1,
    "gen_ai.provider.name": "openai",
    "gen_ai.request.model": "gpt-4o-mini",
    "server.address": "127.0.0.1",
    "server.port": port,
    "tamar.fallback.failed.provider": "openai",
    "tamar.fallback.failed.model": "primary",
  },
});

const providerFailure = { "error.type": "ProviderError", "exception.message": expect.stringContaining("upstream exploded") };

async function consume(stream: AsyncIterable<{ content?: string }>): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += chunk.content ?? "";
  return text;
}

describe.each([
  ["unary", false],
  ["stream", true],
] as const)("fallback attempts in telemetry: %s", (_kind, stream) => {
  const call = (client: Parameters<typeof invoke>[0], fallbacks = toSecond) =>
    stream ? consume(invokeStream(client, request(true), { fallbacks })) : invoke(client, request(false), { fallbacks }).then((r) => r.content ?? "");

  it("a call that falls back once and succeeds: one tamar.fallback event with both routes and the error; the span ends well", async () => {
    const telemetry = inMemoryTelemetry();
    const { client, port, fake } = await stack(telemetry, failingModels("primary"));
    expect(await call(client)).toBe("Hi there");
    expect(fake.requests.map((req) => req.json().model)).toEqual(["primary", "gpt-4o-mini"]);

    const { call: span, servers } = await spansOf(telemetry, 2);
    expect(span.name).toBe("chat primary");
    expect(events(span)).toEqual([fallbackEvent(port, 1, providerFailure)]);
    expect(span.attributes["tamar.attempts"]).toBe(2);
    expect(span.attributes["error.type"]).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    // Both routes' RPCs continue the call's trace.
    for (const server of servers) expect(parentOf(server)).toBe(span.spanContext().spanId);
  });

  it("every route fails: the fallback event, then the span ends as an error with error.type FallbackExhaustedError", async () => {
    const telemetry = inMemoryTelemetry();
    const { client, port } = await stack(telemetry, failingModels("primary", "gpt-4o-mini"));
    await expect(call(client)).rejects.toBeInstanceOf(FallbackExhaustedError);

    const { call: span } = await spansOf(telemetry, 2);
    // The last route has no next one: its failure is the call's error (the exception event), not a fallback.
    expect(events(span)).toEqual([
      fallbackEvent(port, 1, providerFailure),
      { name: "exception", attributes: expect.objectContaining({ "exception.type": "FallbackExhaustedError" }) },
    ]);
    expect(span.attributes["tamar.attempts"]).toBe(2);
    expect(span.attributes["error.type"]).toBe("FallbackExhaustedError");
    expect(span.status).toMatchObject({ code: SpanStatusCode.ERROR, message: expect.stringContaining("Every route failed (2)") });
  });

  it("retries, then a fallback: attempts numbered over the whole call, the gRPC status on the fallback event", async () => {
    const telemetry = inMemoryTelemetry();
    // Refuses every attempt on the first route as a lost server would, before it leaves the client.
    const unavailable: ClientMiddleware = async function* (grpcCall, options) {
      if ((grpcCall.request as ModelRequestItem).extra?.["model"] === "primary") throw new ClientError(grpcCall.method.path, Status.UNAVAILABLE, "connection refused");
      return yield* grpcCall.next(grpcCall.request, options);
    };
    const { client, port } = await stack(telemetry, openAIApi, { middlewares: [unavailable], maxRetries: 1, retryDelayMs: 1 });
    expect(await call(client)).toBe("Hi there");

    const { call: span } = await spansOf(telemetry, 1);
    expect(events(span)).toEqual([
      {
        name: "tamar.retry",
        attributes: {
          "tamar.attempt": 1,
          "error.type": "UNAVAILABLE",
          "rpc.grpc.status_code": Status.UNAVAILABLE,
          "exception.message": expect.stringContaining("connection refused"),
          "tamar.retry.delay_ms": expect.any(Number),
        },
      },
      fallbackEvent(port, 2, {
        "error.type": "UnavailableError",
        "rpc.grpc.status_code": Status.UNAVAILABLE,
        "exception.message": expect.stringContaining("connection refused"),
      }),
    ]);
    expect(span.attributes["tamar.attempts"]).toBe(3);
  });
});

describe("fallback attempts in telemetry: an open circuit", () => {
  it("a route its breaker refuses is a tamar.fallback event with error.type CircuitOpenError, and no request", async () => {
    const telemetry = inMemoryTelemetry();
    const { client, port, fake } = await stack(telemetry, failingModels("primary"), { circuitBreaker: { failureThreshold: 1, cooldownMs: 3_600_000 } });
    // The first call's failure on the primary route opens its breaker.
    expect((await invoke(client, request(false), { fallbacks: toSecond })).content).toBe("Hi there");
    expect((await invoke(client, request(false), { fallbacks: toSecond })).content).toBe("Hi there");
    expect(fake.requests.map((req) => req.json().model)).toEqual(["primary", "gpt-4o-mini", "gpt-4o-mini"]);

    await expect.poll(() => telemetry.spans().filter((s) => s.instrumentationScope.name === CLIENT_SCOPE).length).toBe(2);
    const [first, second] = telemetry.spans().filter((s) => s.instrumentationScope.name === CLIENT_SCOPE);
    expect(events(first!)).toEqual([fallbackEvent(port, 1, providerFailure)]);
    expect(events(second!)).toEqual([
      // The breaker refuses as an unavailable route would: its error carries UNAVAILABLE.
      fallbackEvent(port, 1, { "error.type": "CircuitOpenError", "rpc.grpc.status_code": Status.UNAVAILABLE, "exception.message": expect.stringContaining("primary") }),
    ]);
    expect(second!.status.code).toBe(SpanStatusCode.UNSET);
  });
});
