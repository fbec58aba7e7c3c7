// When the client loads @opentelemetry/api and what it reads: not before a
// provider is registered (the API costs a cold process tens of
// milliseconds), yet an SDK registered after the client was made is used;
// a span the sampler drops still carries the trace context and the metrics.
import { fileURLToPath } from "node:url";
import { AlwaysOffSampler, BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { invoke, type InvokeRequest } from "tamar-model-client";
import { runTypeScript } from "../helpers/cli-process.js";
import { histogramPoints, inMemoryTelemetry } from "../helpers/otel.js";
import { setup, userContext } from "../helpers/setup.js";

const request: InvokeRequest = {
  provider: "openai",
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hello" }],
  temperature: 0.2,
  userContext,
};

describe("loading the OpenTelemetry API", () => {
  it("waits for a registered provider, and then uses one registered after the client was made", async () => {
    const fixture = fileURLToPath(new URL("fixtures/register-later.ts", import.meta.url));
    const child = runTypeScript(fixture, []);
    const line = await child.line(/^\{/);
    expect(await child.exited).toBe(0);
    expect(JSON.parse(line)).toEqual({
      loadedBeforeSdk: false,
      spans: ["chat gpt-4o-mini"],
      metrics: ["gen_ai.client.operation.duration", "gen_ai.client.token.usage"],
    });
  });

  it("a span the sampler drops: trace context sent unsampled, no span, the metrics with all their attributes", async () => {
    const telemetry = inMemoryTelemetry();
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ sampler: new AlwaysOffSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const { server, client } = await setup({ client: { telemetry: { tracerProvider, meterProvider: telemetry.meterProvider } } });
    server.invoke = async function* () {
      yield { content: "Hi", usage: JSON.stringify({ prompt_tokens: 3, completion_tokens: 1 }), rawResponse: JSON.stringify({ id: "c-1", model: "gpt-4o-mini-2024" }) };
    };
    await invoke(client, request);
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(server.calls[0]?.metadata["traceparent"]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    const [duration] = histogramPoints(await telemetry.metric("gen_ai.client.operation.duration"));
    expect(duration?.attributes).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.response.model": "gpt-4o-mini-2024",
      "server.address": "127.0.0.1",
      "server.port": expect.any(Number),
    });
    expect(histogramPoints(await telemetry.metric("gen_ai.client.token.usage")).map((point) => [point.attributes["gen_ai.token.type"], point.sum])).toEqual([
      ["input", 3],
      ["output", 1],
    ]);
  });
});
