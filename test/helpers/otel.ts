// The real OpenTelemetry SDK with in-memory exporters, for golden tests of
// spans and metrics. Spans are exported as they end; metrics are collected on
// demand by a pull reader.
import { propagation } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { type DataPoint, type Histogram, MeterProvider, MetricReader, type MetricData } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { onTestFinished } from "vitest";

class PullReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface InMemoryTelemetry {
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  /** Spans ended so far. */
  spans(): ReadableSpan[];
  /** The metric of that name, collected now (undefined when nothing was recorded). */
  metric(name: string): Promise<MetricData | undefined>;
  /** Every metric name collected now. */
  metricNames(): Promise<string[]>;
}

/** A tracer and meter provider for one test (shut down after it), and the W3C propagator registered globally. */
export function inMemoryTelemetry(): InMemoryTelemetry {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new PullReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  onTestFinished(async () => {
    propagation.disable();
    await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
  });
  const collect = async () => (await reader.collect()).resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  return {
    tracerProvider,
    meterProvider,
    spans: () => exporter.getFinishedSpans(),
    metric: async (name) => (await collect()).find((metric) => metric.descriptor.name === name),
    metricNames: async () => (await collect()).map((metric) => metric.descriptor.name),
  };
}

/** The span of that name (exactly one expected). */
export function spanNamed(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  if (found.length !== 1) throw new Error(`expected one span named ${JSON.stringify(name)}, found ${found.length}: ${spans.map((s) => s.name).join(", ")}`);
  return found[0]!;
}

/** Id of the span's parent, or undefined for a root span. */
export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/** Histogram points of a metric, as plain objects. */
export function histogramPoints(metric: MetricData | undefined): Array<{ attributes: Record<string, unknown>; count: number; sum: number; boundaries: number[] }> {
  if (!metric) return [];
  return (metric.dataPoints as DataPoint<Histogram>[]).map((point) => ({
    attributes: { ...point.attributes },
    count: point.value.count,
    sum: point.value.sum ?? 0,
    boundaries: point.value.buckets.boundaries,
  }));
}

/** Sum points of a metric (counters), as plain objects. */
export function sumPoints(metric: MetricData | undefined): Array<{ attributes: Record<string, unknown>; value: number }> {
  if (!metric) return [];
  return (metric.dataPoints as DataPoint<number>[]).map((point) => ({ attributes: { ...point.attributes }, value: point.value }));
}
