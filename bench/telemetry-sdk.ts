// The OpenTelemetry SDK as the telemetry benches register it (bench/telemetry.ts
// says what it is and why), and the SDK's own share of one invoke() replayed
// straight on it ("SDK floor").
import type { Attributes } from "@opentelemetry/api";

export type Sdk = Awaited<ReturnType<typeof registerSdk>>;

/** The production-shaped SDK (bench/telemetry.ts says what it is); exporters drop, the span one keeps the first span it sees. */
export async function registerSdk(providers: boolean) {
  const api = await import("@opentelemetry/api");
  const { BasicTracerProvider, BatchSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
  const { MeterProvider, PeriodicExportingMetricReader, AggregationTemporality, DataPointType } = await import("@opentelemetry/sdk-metrics");
  const { W3CTraceContextPropagator } = await import("@opentelemetry/core");
  const { AsyncLocalStorageContextManager } = await import("@opentelemetry/context-async-hooks");
  type ReadableSpan = import("@opentelemetry/sdk-trace-base").ReadableSpan;
  const captured: { span?: ReadableSpan | undefined } = {};
  const spanExporter = {
    export(spans: ReadableSpan[], done: (result: { code: number }) => void) {
      captured.span ??= spans.find((span) => span.attributes["gen_ai.request.stream"] === false);
      done({ code: 0 });
    },
    shutdown: async () => {},
  };
  const metricExporter = {
    export: (_metrics: unknown, done: (result: { code: number }) => void) => done({ code: 0 }),
    forceFlush: async () => {},
    shutdown: async () => {},
    selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
  };
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter });
  const spans = new BatchSpanProcessor(spanExporter);
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const meterProvider = new MeterProvider({ readers: [reader] });
  if (providers) {
    api.trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [spans] }));
    api.metrics.setGlobalMeterProvider(meterProvider);
  }
  return { api, reader, spans, captured, meterProvider, DataPointType };
}

// Attributes the client knows only once the call is over: set on the span before it ends.
const SET_AT_END = /^(gen_ai\.response\.|gen_ai\.usage\.|tamar\.attempts$|tamar\.request\.id$)/;

/**
 * One invoke()'s telemetry replayed straight on the SDK: its span (taken
 * from the exporter) and its metric points (collected from the reader after
 * `calls` invokes, so each point's count says how many records one call makes).
 */
export async function sdkFloor(sdk: Sdk, calls: number): Promise<() => void> {
  await sdk.spans.forceFlush();
  const span = sdk.captured.span;
  if (!span) throw new Error("no span was exported: telemetry is not on");
  const { api } = sdk;
  const { Metadata } = await import("nice-grpc-common");
  const start: Record<string, unknown> = {};
  const end: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(span.attributes)) (SET_AT_END.test(key) ? end : start)[key] = value;
  const { resourceMetrics } = await sdk.reader.collect();
  const meter = sdk.meterProvider.getMeter("sdk-floor");
  const records: Array<{ record: (value: number, attributes: Attributes) => void; value: number; attributes: Attributes }> = [];
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      const instrument = metric.dataPointType === sdk.DataPointType.SUM ? meter.createCounter(metric.descriptor.name) : meter.createHistogram(metric.descriptor.name);
      const record = "add" in instrument ? instrument.add.bind(instrument) : instrument.record.bind(instrument);
      for (const point of metric.dataPoints) {
        const value = point.value as number | { count: number; sum?: number };
        const count = typeof value === "number" ? calls : value.count;
        // Points recorded by most calls (the successful unary ones), not the odd first-call one.
        if (count < calls / 2) continue;
        records.push({ record, value: typeof value === "number" ? value / calls : (value.sum ?? 1) / count, attributes: point.attributes });
      }
    }
  }
  const tracer = api.trace.getTracer("sdk-floor");
  const setter = { set: (carrier: ReturnType<typeof Metadata>, key: string, value: string) => carrier.set(key, value) };
  return () => {
    const replayed = tracer.startSpan(span.name, { kind: span.kind, attributes: start as Attributes });
    const metadata = Metadata();
    api.propagation.inject(api.trace.setSpan(api.context.active(), replayed), metadata, setter);
    replayed.setAttributes(end as Attributes);
    replayed.end();
    for (const { record, value, attributes } of records) record(value, attributes);
  };
}
