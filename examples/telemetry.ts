import { ExportResultCode } from "@opentelemetry/core";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { PeriodicExportingMetricReader, type PushMetricExporter } from "@opentelemetry/sdk-metrics";
import { SimpleSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { createModelClient, invoke } from "tamar-model-client";

// Your application's OpenTelemetry setup. In production leave the exporters
// out and let OTEL_EXPORTER_OTLP_ENDPOINT and friends choose them; these two
// print what they receive.
const spans: SpanExporter = {
  export(batch, done) {
    for (const span of batch) console.log(span.name, span.attributes["gen_ai.provider.name"], span.attributes["gen_ai.usage.output_tokens"]);
    done({ code: ExportResultCode.SUCCESS });
  },
  shutdown: async () => {},
};
const metrics: PushMetricExporter = {
  export(batch, done) {
    console.log(batch.scopeMetrics.flatMap((scope) => scope.metrics.map((metric) => metric.descriptor.name)).join(" "));
    done({ code: ExportResultCode.SUCCESS });
  },
  forceFlush: async () => {},
  shutdown: async () => {},
};
const sdk = new NodeSDK({
  serviceName: "search-api",
  spanProcessors: [new SimpleSpanProcessor(spans)],
  metricReaders: [new PeriodicExportingMetricReader({ exporter: metrics })],
});
sdk.start();

// The client finds the registered SDK by itself: one CLIENT span per call on
// the GenAI semantic conventions, the gen_ai.client.* metrics, and the trace
// context sent to the server. Prompt text is recorded only with recordContent.
await using client = createModelClient({ telemetry: { recordContent: false } });
await invoke(client, {
  provider: "openai",
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hello!" }],
  userContext: { orgId: "org-1", userId: "user-1", clientType: "docs" },
});
await sdk.shutdown(); // flushes both exporters
