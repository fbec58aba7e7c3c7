// Client telemetry against the programmable test server: the trace context
// on every attempt, the user's active span as parent, the latest-conventions
// names, content only on opt-in, nothing at all when disabled or when no SDK
// is registered, and a client that works without @opentelemetry/api.
import { fileURLToPath } from "node:url";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { type ClientMiddleware, ServerError, Status } from "nice-grpc";
import { describe, expect, it, onTestFinished } from "vitest";
import { invoke, invokeStream, type InvokeRequest } from "tamar-model-client";
import { clientStateOf } from "../../src/client/internal/client-state.js";
import { BUCKETS } from "../../src/telemetry/semconv.js";
import { runTypeScript } from "../helpers/cli-process.js";
import { sendJson, startFakeUpstream } from "../helpers/fake-upstream.js";
import { histogramPoints, inMemoryTelemetry, parentOf, sumPoints } from "../helpers/otel.js";
import { setup, userContext } from "../helpers/setup.js";
import { SECRET } from "../helpers/tokens.js";

const request: InvokeRequest = {
  provider: "google",
  channel: "vertexai",
  model: "gemini-2.5-flash",
  contents: [{ role: "user", parts: [{ text: "Bonjour" }] }],
  config: { temperature: 0.5, topP: 0.9, maxOutputTokens: 64, systemInstruction: "Be brief." },
  userContext,
};

const usage = JSON.stringify({ promptTokenCount: 7, candidatesTokenCount: 3, totalTokenCount: 10 });
const raw = JSON.stringify({ responseId: "resp-9", modelVersion: "gemini-2.5-flash-001", candidates: [{ finishReason: "STOP" }] });

async function* answer() {
  yield { content: "Salut", usage, rawResponse: raw };
}

const traceparent = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

describe("client telemetry", () => {
  it("sends the call span's W3C trace context on every attempt, under the caller's active span", async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    onTestFinished(() => context.disable());
    const telemetry = inMemoryTelemetry();
    const { server, client } = await setup({ client: { telemetry: { tracerProvider: telemetry.tracerProvider }, maxRetries: 2 } });
    let calls = 0;
    server.invoke = (req, ctx) => {
      if (++calls <= 2) throw new ServerError(Status.UNAVAILABLE, `down ${calls}`);
      return answer();
    };
    const parent = telemetry.tracerProvider.getTracer("app").startSpan("handle request");
    await context.with(trace.setSpan(context.active(), parent), () => invoke(client, request));
    parent.end();

    const callSpan = telemetry.spans().find((span) => span.name === "generate_content gemini-2.5-flash")!;
    expect(parentOf(callSpan)).toBe(parent.spanContext().spanId);
    expect(server.calls).toHaveLength(3);
    for (const call of server.calls) {
      const [, traceId, spanId] = traceparent.exec(call.metadata["traceparent"] ?? "") ?? [];
      expect(traceId).toBe(parent.spanContext().traceId);
      expect(spanId).toBe(callSpan.spanContext().spanId);
    }
    expect(callSpan.events.map((event) => [event.name, event.attributes?.["tamar.attempt"], event.attributes?.["error.type"]])).toEqual([
      ["tamar.retry", 1, "UNAVAILABLE"],
      ["tamar.retry", 2, "UNAVAILABLE"],
    ]);
    expect(callSpan.attributes).toMatchObject({
      "gen_ai.operation.name": "generate_content",
      "gen_ai.provider.name": "gcp.vertex_ai",
      "gen_ai.request.temperature": 0.5,
      "gen_ai.request.top_p": 0.9,
      "gen_ai.request.max_tokens": 64,
      "gen_ai.response.id": "resp-9",
      "gen_ai.response.model": "gemini-2.5-flash-001",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 7,
      "gen_ai.usage.output_tokens": 3,
      "tamar.attempts": 3,
    });
  });

  // A client without middlewares of its own runs invoke on the fused layer, one with them on nice-grpc's chain.
  const passThrough: ClientMiddleware = async function* (call, options) {
    return yield* call.next(call.request, options);
  };
  it.each([
    ["the fused layer", []],
    ["the middleware chain", [passThrough]],
  ])("sends the call span's trace context to an HTTP fallback route too, and names the route in its event, on %s", async (_path, middlewares) => {
    const telemetry = inMemoryTelemetry();
    const http = await startFakeUpstream((_req, res) => sendJson(res, 200, { content: "Salut", usage: null, raw_response: null, error: null, request_id: "r" }));
    const { server, client } = await setup({
      client: { telemetry: { tracerProvider: telemetry.tracerProvider }, jwtSecretKey: SECRET, maxRetries: 0, middlewares },
    });
    server.invoke = () => {
      throw new ServerError(Status.UNAVAILABLE, "down");
    };
    await invoke(client, request, { fallbacks: [{ http: http.url }] });
    const [callSpan] = telemetry.spans();
    expect(server.calls).toHaveLength(1);
    expect(http.requests).toHaveLength(1);
    // The fallback event names the HTTP route's host and port, as the span's own attributes name a gRPC server.
    expect(callSpan!.events.find((event) => event.name === "tamar.fallback")?.attributes).toMatchObject({
      "server.address": "127.0.0.1",
      "server.port": Number(new URL(http.url).port),
    });
    for (const headers of [server.calls[0]!.metadata, http.requests[0]!.headers]) {
      const [, traceId, spanId] = traceparent.exec(String(headers["traceparent"] ?? "")) ?? [];
      expect(traceId).toBe(callSpan!.spanContext().traceId);
      expect(spanId).toBe(callSpan!.spanContext().spanId);
    }
  });

  it("records prompt, instructions and answer text only when asked to", async () => {
    const telemetry = inMemoryTelemetry();
    const { server, client } = await setup({ client: { telemetry: { tracerProvider: telemetry.tracerProvider, recordContent: true } } });
    server.invoke = () => answer();
    await invoke(client, request);
    const [span] = telemetry.spans();
    expect(JSON.parse(String(span?.attributes["gen_ai.input.messages"]))).toEqual([{ role: "user", parts: [{ type: "text", content: "Bonjour" }] }]);
    expect(JSON.parse(String(span?.attributes["gen_ai.system_instructions"]))).toEqual([{ type: "text", content: "Be brief." }]);
    expect(JSON.parse(String(span?.attributes["gen_ai.output.messages"]))).toEqual([
      { role: "assistant", parts: [{ type: "text", content: "Salut" }], finish_reason: "stop" },
    ]);
  });

  it("uses the latest experimental names under OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental", async () => {
    const saved = process.env["OTEL_SEMCONV_STABILITY_OPT_IN"];
    process.env["OTEL_SEMCONV_STABILITY_OPT_IN"] = "http, gen_ai_latest_experimental";
    onTestFinished(() => {
      if (saved === undefined) delete process.env["OTEL_SEMCONV_STABILITY_OPT_IN"];
      else process.env["OTEL_SEMCONV_STABILITY_OPT_IN"] = saved;
    });
    const telemetry = inMemoryTelemetry();
    const { server, client } = await setup({ client: { telemetry: { meterProvider: telemetry.meterProvider } } });
    server.invoke = () => answer();
    for await (const _ of invokeStream(client, request));

    expect((await telemetry.metricNames()).sort()).toEqual([
      "gen_ai.client.inference.duration",
      "gen_ai.client.inference.operation.input_tokens",
      "gen_ai.client.inference.operation.output_tokens",
      "gen_ai.client.inference.time_to_first_chunk",
      "gen_ai.client.inference.usage.input_tokens",
      "gen_ai.client.inference.usage.output_tokens",
    ]);
    const counted = sumPoints(await telemetry.metric("gen_ai.client.inference.usage.input_tokens"));
    expect(counted).toEqual([{ attributes: expect.objectContaining({ "gen_ai.token.modality": "unknown" }), value: 7 }]);
    const [perOperation] = histogramPoints(await telemetry.metric("gen_ai.client.inference.operation.output_tokens"));
    expect(perOperation).toMatchObject({ sum: 3, boundaries: [...BUCKETS.tokens] });
  });

  it("ends a stream's span without an error when the consumer stops reading", async () => {
    const telemetry = inMemoryTelemetry();
    const { server, client } = await setup({ client: { telemetry: { tracerProvider: telemetry.tracerProvider } } });
    server.invoke = async function* () {
      yield { content: "one" };
      yield { content: "two" };
    };
    for await (const _ of invokeStream(client, request)) break;
    const [span] = telemetry.spans();
    expect(span?.ended).toBe(true);
    expect(span?.attributes["error.type"]).toBeUndefined();
    expect(span?.attributes["gen_ai.response.time_to_first_chunk"]).toBeGreaterThan(0);
  });

  it("records nothing when disabled, and starts nothing per call while no SDK is registered", async () => {
    const telemetry = inMemoryTelemetry();
    const disabled = await setup({ client: { telemetry: { enabled: false, tracerProvider: telemetry.tracerProvider, meterProvider: telemetry.meterProvider } } });
    disabled.server.invoke = () => answer();
    await invoke(disabled.client, request);
    expect(telemetry.spans()).toEqual([]);
    expect(await telemetry.metricNames()).toEqual([]);
    expect(clientStateOf(disabled.client).telemetry).toBeUndefined();

    // The global providers are the API's no-ops here: each call checks that and builds nothing.
    const { server, client } = await setup();
    server.invoke = () => answer();
    await invoke(client, request);
    const built = await import("../../src/client/request/build-request.js").then((m) => m.buildInvokeRequest(request, false));
    expect(clientStateOf(client).telemetry?.invoke(request, built.item, false)).toBeUndefined();
  });

  it("works in a process without @opentelemetry/api", async () => {
    const fixture = fileURLToPath(new URL("../telemetry/fixtures/without-otel-api.ts", import.meta.url));
    const hide = fileURLToPath(new URL("../telemetry/fixtures/hide-otel-api.cjs", import.meta.url));
    const child = runTypeScript(fixture, [], { nodeArgs: ["--require", hide] });
    const line = await child.line(/^\{/);
    expect(await child.exited).toBe(0);
    expect(JSON.parse(line)).toEqual({ apiLoaded: false, content: true, chunks: expect.any(Number) });
    expect(JSON.parse(line).chunks).toBeGreaterThan(0);
  });
});
