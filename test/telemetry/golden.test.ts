// Golden tests of the OpenTelemetry output, with the real SDK's in-memory
// exporters: span names, kinds, attributes and the parent/child chain
// client → server → provider (the official openai SDK against a loopback
// provider speaking OpenAI's wire format), and the metrics of each side.
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { ClientError, type ClientMiddleware, Status } from "nice-grpc-common";
import { describe, expect, it } from "vitest";
import { invoke, invokeBatch, invokeStream, ProviderError, type ModelClientOptions } from "tamar-model-client";
import type { ModelServerOptions } from "tamar-model-client/server";
import { BUCKETS } from "../../src/telemetry/semconv.js";
import { startStack, userContext } from "../e2e/helpers/stack.js";
import { sendJson, startFakeUpstream } from "../helpers/fake-upstream.js";
import { histogramPoints, inMemoryTelemetry, type InMemoryTelemetry, parentOf, sumPoints } from "../helpers/otel.js";
import { openAIApi, openAIError } from "../helpers/provider-wire/openai.js";

const CLIENT_SCOPE = "tamar-model-client";
const SERVER_SCOPE = "tamar-model-client/server";

const chatRequest = {
  provider: "openai",
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hello" }],
  temperature: 0.2,
  max_tokens: 50,
  userContext,
} as const;

async function stack(
  telemetry: InMemoryTelemetry,
  options: { client?: ModelClientOptions; server?: ModelServerOptions; upstream?: Parameters<typeof startFakeUpstream>[0] } = {},
) {
  const upstream = await startFakeUpstream(options.upstream ?? openAIApi);
  const providers = { tracerProvider: telemetry.tracerProvider, meterProvider: telemetry.meterProvider };
  const { client, address } = await startStack(
    { openai: upstream.url },
    { server: { telemetry: providers, ...options.server }, client: { telemetry: providers, ...options.client } },
  );
  return { client, port: Number(address.slice(address.lastIndexOf(":") + 1)) };
}

/** The one span of `scope` named `name`. */
function span(spans: readonly ReadableSpan[], scope: string, name: string): ReadableSpan {
  const found = spans.filter((s) => s.instrumentationScope.name === scope && s.name === name);
  expect(found, `${scope} span ${name} among ${spans.map((s) => `${s.instrumentationScope.name}:${s.name}`).join(", ")}`).toHaveLength(1);
  return found[0]!;
}

/** Spans end as the calls' last steps run: wait until `count` have. */
async function spansWhenEnded(telemetry: InMemoryTelemetry, count: number): Promise<ReadableSpan[]> {
  await expect.poll(() => telemetry.spans().length).toBeGreaterThanOrEqual(count);
  return telemetry.spans();
}

const clientCommon = (port: number) => ({
  "gen_ai.operation.name": "chat",
  "gen_ai.provider.name": "openai",
  "gen_ai.request.model": "gpt-4o-mini",
  "server.address": "127.0.0.1",
  "server.port": port,
});

const providerRequest = {
  "gen_ai.operation.name": "chat",
  "gen_ai.provider.name": "openai",
  "gen_ai.request.model": "gpt-4o-mini",
  "tamar.invoke_type": "chat-completions",
  "gen_ai.request.max_tokens": 50,
  "gen_ai.request.temperature": 0.2,
};

const rpc = (method: string) => ({ "rpc.system": "grpc", "rpc.service": "model_service.ModelService", "rpc.method": method });

function expectChain(client: ReadableSpan, server: ReadableSpan, provider: ReadableSpan): void {
  expect(client.kind).toBe(SpanKind.CLIENT);
  expect(server.kind).toBe(SpanKind.SERVER);
  expect(provider.kind).toBe(SpanKind.CLIENT);
  expect(server.spanContext().traceId).toBe(client.spanContext().traceId);
  expect(provider.spanContext().traceId).toBe(client.spanContext().traceId);
  expect(parentOf(server)).toBe(client.spanContext().spanId);
  expect(parentOf(provider)).toBe(server.spanContext().spanId);
}

describe("OpenTelemetry golden output", () => {
  it("unary: client → server → provider spans on the GenAI conventions, and both sides' metrics", async () => {
    const telemetry = inMemoryTelemetry();
    const { client, port } = await stack(telemetry);
    const response = await invoke(client, chatRequest);

    const spans = await spansWhenEnded(telemetry, 3);
    expect(spans).toHaveLength(3);
    const clientSpan = span(spans, CLIENT_SCOPE, "chat gpt-4o-mini");
    const serverSpan = span(spans, SERVER_SCOPE, "model_service.ModelService/Invoke");
    const providerSpan = span(spans, SERVER_SCOPE, "chat gpt-4o-mini");
    expectChain(clientSpan, serverSpan, providerSpan);

    expect(clientSpan.attributes).toEqual({
      ...clientCommon(port),
      "gen_ai.request.stream": false,
      "gen_ai.request.max_tokens": 50,
      "gen_ai.request.temperature": 0.2,
      "tamar.invoke_type": "chat-completions",
      "tamar.channel": "normal",
      "tamar.request.id": response.requestId,
      "tamar.attempts": 1,
      "gen_ai.response.id": "chatcmpl-1",
      "gen_ai.response.model": "gpt-4o-mini",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 5,
      "gen_ai.usage.output_tokens": 2,
    });
    expect(clientSpan.status.code).toBe(SpanStatusCode.UNSET);
    expect(clientSpan.events).toEqual([]);
    expect(serverSpan.attributes).toEqual({ ...rpc("Invoke"), "tamar.request.id": response.requestId, "rpc.grpc.status_code": 0 });
    expect(providerSpan.attributes).toEqual({
      ...providerRequest,
      "gen_ai.request.stream": false,
      "gen_ai.response.id": "chatcmpl-1",
      "gen_ai.response.model": "gpt-4o-mini",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 5,
      "gen_ai.usage.output_tokens": 2,
    });
    // No prompt or answer text without the opt-in.
    for (const s of spans) expect(Object.keys(s.attributes).filter((key) => /messages|instructions/.test(key))).toEqual([]);

    const metricAttributes = { ...clientCommon(port), "gen_ai.response.model": "gpt-4o-mini" };
    const [duration] = histogramPoints(await telemetry.metric("gen_ai.client.operation.duration"));
    expect(duration).toMatchObject({ attributes: metricAttributes, count: 1, boundaries: [...BUCKETS.duration] });
    expect((await telemetry.metric("gen_ai.client.operation.duration"))?.descriptor.unit).toBe("s");
    const tokens = histogramPoints(await telemetry.metric("gen_ai.client.token.usage"));
    expect(tokens).toEqual([
      { attributes: { ...metricAttributes, "gen_ai.token.type": "input" }, count: 1, sum: 5, boundaries: [...BUCKETS.tokens] },
      { attributes: { ...metricAttributes, "gen_ai.token.type": "output" }, count: 1, sum: 2, boundaries: [...BUCKETS.tokens] },
    ]);
    expect(await telemetry.metric("gen_ai.client.operation.time_to_first_chunk")).toBeUndefined();

    const [serverDuration] = histogramPoints(await telemetry.metric("gen_ai.server.request.duration"));
    expect(serverDuration).toMatchObject({
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.response.model": "gpt-4o-mini",
      },
      count: 1,
      boundaries: [...BUCKETS.duration],
    });
    expect(sumPoints(await telemetry.metric("tamar.server.requests"))).toEqual([
      { attributes: { ...rpc("Invoke"), "rpc.grpc.status_code": 0 }, value: 1 },
    ]);
  });

  it("stream: time to first chunk on the client span and metric; the server's first-token and per-token times", async () => {
    const telemetry = inMemoryTelemetry();
    const { client, port } = await stack(telemetry);
    let text = "";
    for await (const chunk of invokeStream(client, chatRequest)) text += chunk.content ?? "";
    expect(text).toBe("Hi there");

    const spans = await spansWhenEnded(telemetry, 3);
    const clientSpan = span(spans, CLIENT_SCOPE, "chat gpt-4o-mini");
    const serverSpan = span(spans, SERVER_SCOPE, "model_service.ModelService/Invoke");
    const providerSpan = span(spans, SERVER_SCOPE, "chat gpt-4o-mini");
    expectChain(clientSpan, serverSpan, providerSpan);
    const ttfc = clientSpan.attributes["gen_ai.response.time_to_first_chunk"];
    expect(ttfc).toBeGreaterThan(0);
    expect(ttfc).toBeLessThanOrEqual((clientSpan.duration[0] * 1e9 + clientSpan.duration[1]) / 1e9);
    expect(clientSpan.attributes).toMatchObject({
      ...clientCommon(port),
      "gen_ai.request.stream": true,
      "gen_ai.response.id": "chatcmpl-1",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 5,
      "gen_ai.usage.output_tokens": 2,
    });
    expect(providerSpan.attributes).toMatchObject({ ...providerRequest, "gen_ai.request.stream": true, "gen_ai.usage.output_tokens": 2 });
    expect(providerSpan.attributes["gen_ai.response.time_to_first_chunk"]).toBeGreaterThan(0);

    const [firstChunk] = histogramPoints(await telemetry.metric("gen_ai.client.operation.time_to_first_chunk"));
    expect(firstChunk).toMatchObject({ attributes: clientCommon(port), count: 1, boundaries: [...BUCKETS.duration] });
    const [firstToken] = histogramPoints(await telemetry.metric("gen_ai.server.time_to_first_token"));
    expect(firstToken).toMatchObject({ count: 1, boundaries: [...BUCKETS.timeToFirstToken] });
    const [perToken] = histogramPoints(await telemetry.metric("gen_ai.server.time_per_output_token"));
    expect(perToken).toMatchObject({ count: 1, boundaries: [...BUCKETS.timePerOutputToken] });
  });

  it("batch: a client span for the RPC with one child per item; the server span and one provider span per item under it", async () => {
    const telemetry = inMemoryTelemetry();
    const { client, port } = await stack(telemetry);
    const { requestId } = await invokeBatch(client, {
      userContext,
      items: [
        { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: "a" }], customId: "a" },
        { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: "b" }], customId: "b" },
      ],
    });

    const spans = await spansWhenEnded(telemetry, 6);
    expect(spans).toHaveLength(6);
    const batchSpan = span(spans, CLIENT_SCOPE, "invoke_batch");
    expect(batchSpan.kind).toBe(SpanKind.CLIENT);
    expect(batchSpan.attributes).toEqual({
      "tamar.batch.size": 2,
      "server.address": "127.0.0.1",
      "server.port": port,
      "tamar.request.id": requestId,
      "tamar.attempts": 1,
    });
    const items = spans.filter((s) => s.instrumentationScope.name === CLIENT_SCOPE && s.name === "chat gpt-4o-mini");
    expect(items.map((s) => s.attributes["tamar.batch.custom_id"]).sort()).toEqual(["a", "b"]);
    for (const item of items) {
      expect(item.kind).toBe(SpanKind.CLIENT);
      expect(parentOf(item)).toBe(batchSpan.spanContext().spanId);
      expect(item.attributes).toMatchObject({ ...clientCommon(port), "gen_ai.usage.input_tokens": 5, "gen_ai.response.id": "chatcmpl-1" });
    }
    const serverSpan = span(spans, SERVER_SCOPE, "model_service.ModelService/BatchInvoke");
    expect(serverSpan.kind).toBe(SpanKind.SERVER);
    expect(parentOf(serverSpan)).toBe(batchSpan.spanContext().spanId);
    const providerSpans = spans.filter((s) => s.instrumentationScope.name === SERVER_SCOPE && s.name === "chat gpt-4o-mini");
    expect(providerSpans).toHaveLength(2);
    for (const provider of providerSpans) {
      expect(provider.kind).toBe(SpanKind.CLIENT);
      expect(parentOf(provider)).toBe(serverSpan.spanContext().spanId);
    }
    expect(histogramPoints(await telemetry.metric("gen_ai.client.operation.duration"))[0]?.count).toBe(2);
  });

  it("a retried call: the retry is an event on the call's span, which stays the parent of the server span", async () => {
    const telemetry = inMemoryTelemetry();
    let attempts = 0;
    // Fails the first attempt as a dropped connection would, before it reaches the server.
    const flaky: ClientMiddleware = async function* (call, options) {
      if (++attempts === 1) throw new ClientError(call.method.path, Status.UNAVAILABLE, "connection reset");
      return yield* call.next(call.request, options);
    };
    const { client } = await stack(telemetry, { client: { middlewares: [flaky], maxRetries: 2 } });
    await invoke(client, chatRequest);

    const spans = await spansWhenEnded(telemetry, 3);
    const clientSpan = span(spans, CLIENT_SCOPE, "chat gpt-4o-mini");
    const serverSpan = span(spans, SERVER_SCOPE, "model_service.ModelService/Invoke");
    expectChain(clientSpan, serverSpan, span(spans, SERVER_SCOPE, "chat gpt-4o-mini"));
    expect(clientSpan.attributes["tamar.attempts"]).toBe(2);
    expect(clientSpan.events.map((event) => ({ name: event.name, attributes: event.attributes }))).toEqual([
      {
        name: "tamar.retry",
        attributes: {
          "tamar.attempt": 1,
          "error.type": "UNAVAILABLE",
          "rpc.grpc.status_code": Status.UNAVAILABLE,
          "exception.message": expect.stringContaining("connection reset"),
          "tamar.retry.delay_ms": expect.any(Number),
        },
      },
    ]);
    expect(clientSpan.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("a failed call: the provider's HTTP status on its span, the typed error on the client's, error.type on both metrics", async () => {
    const telemetry = inMemoryTelemetry();
    const { client, port } = await stack(telemetry, {
      upstream: (_request, res) => sendJson(res, 500, openAIError("upstream exploded", "server_error", "server_error")),
    });
    await expect(invoke(client, chatRequest)).rejects.toBeInstanceOf(ProviderError);

    const spans = await spansWhenEnded(telemetry, 3);
    const clientSpan = span(spans, CLIENT_SCOPE, "chat gpt-4o-mini");
    const serverSpan = span(spans, SERVER_SCOPE, "model_service.ModelService/Invoke");
    const providerSpan = span(spans, SERVER_SCOPE, "chat gpt-4o-mini");
    expectChain(clientSpan, serverSpan, providerSpan);

    expect(providerSpan.attributes["error.type"]).toBe("500");
    expect(providerSpan.status.code).toBe(SpanStatusCode.ERROR);
    expect(providerSpan.events.map((event) => event.name)).toEqual(["exception"]);
    // The provider failure is answered in-band: the RPC itself succeeded.
    expect(serverSpan.attributes["rpc.grpc.status_code"]).toBe(0);
    expect(clientSpan.attributes["error.type"]).toBe("ProviderError");
    expect(clientSpan.status).toMatchObject({ code: SpanStatusCode.ERROR, message: expect.stringContaining("upstream exploded") });

    const [duration] = histogramPoints(await telemetry.metric("gen_ai.client.operation.duration"));
    expect(duration?.attributes).toEqual({ ...clientCommon(port), "error.type": "ProviderError" });
    expect(await telemetry.metric("gen_ai.client.token.usage")).toBeUndefined();
    const [serverDuration] = histogramPoints(await telemetry.metric("gen_ai.server.request.duration"));
    expect(serverDuration?.attributes).toMatchObject({ "error.type": "500" });
  });

  it("a call the server refuses: the gRPC status on the server span and request count, the typed error on the client span", async () => {
    const telemetry = inMemoryTelemetry();
    const { client } = await stack(telemetry);
    // No Anthropic credentials on this server: FAILED_PRECONDITION before any provider request.
    await expect(invoke(client, { provider: "anthropic", model: "claude-x", max_tokens: 5, messages: [{ role: "user", content: "hi" }], userContext })).rejects.toMatchObject({
      code: Status.FAILED_PRECONDITION,
    });

    const spans = await spansWhenEnded(telemetry, 2);
    expect(spans).toHaveLength(2);
    const clientSpan = span(spans, CLIENT_SCOPE, "chat claude-x");
    const serverSpan = span(spans, SERVER_SCOPE, "model_service.ModelService/Invoke");
    expect(parentOf(serverSpan)).toBe(clientSpan.spanContext().spanId);
    expect(clientSpan.attributes).toMatchObject({ "gen_ai.provider.name": "anthropic", "error.type": "InvalidArgumentError" });
    expect(clientSpan.status.code).toBe(SpanStatusCode.ERROR);
    expect(serverSpan.attributes["rpc.grpc.status_code"]).toBe(Status.FAILED_PRECONDITION);
    expect(sumPoints(await telemetry.metric("tamar.server.requests"))).toEqual([
      { attributes: { ...rpc("Invoke"), "rpc.grpc.status_code": Status.FAILED_PRECONDITION }, value: 1 },
    ]);
  });
});
