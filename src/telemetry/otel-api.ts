// `@opentelemetry/api` is an optional peer dependency: loaded on first use,
// synchronously (no top-level await, so `require(esm)` keeps working), and
// absent without failing. Its Node build is CommonJS for `import` and
// `require` alike, and it keeps the registered providers on a global, so the
// copy loaded here sees what the application registered.
import { createRequire } from "node:module";
import type * as OtelApi from "@opentelemetry/api";

import type { MeterProviderLike, TracerProviderLike } from "./provider-like.js";

export type { MeterProviderLike, OtelApi, TracerProviderLike };

let api: typeof OtelApi | null | undefined;

/** The OpenTelemetry API, or undefined when the package is not installed. */
export function otelApi(): typeof OtelApi | undefined {
  if (api === undefined) {
    try {
      api = createRequire(import.meta.url)("@opentelemetry/api") as typeof OtelApi;
    } catch {
      api = null;
    }
  }
  return api ?? undefined;
}

// Where `@opentelemetry/api` (major 1, every copy of it in the process)
// keeps what was registered with it: the `trace` and `metrics` entries appear
// only when a provider is set (the API's internal/global-utils registry).
const API_REGISTRY = Symbol.for("opentelemetry.js.api.1");

/**
 * Whether a tracer or meter provider is registered with any copy of
 * `@opentelemetry/api` in the process: one property read, so that a client
 * loads the API only once something could record (loading it costs a cold
 * process tens of milliseconds).
 */
export function globalProviderRegistered(): boolean {
  const registry = (globalThis as { [API_REGISTRY]?: { trace?: unknown; metrics?: unknown } })[API_REGISTRY];
  return registry !== undefined && (registry.trace !== undefined || registry.metrics !== undefined);
}

/**
 * Resolves the tracer and meter of an instrumentation scope at call time, so
 * that an SDK registered after the client was made is picked up, while a
 * process without one pays a few property reads per call: nothing is built
 * for a no-op provider.
 */
export interface TelemetrySource<Instruments> {
  /** The tracer to use now, or undefined when traces go nowhere. */
  tracer(): OtelApi.Tracer | undefined;
  /** The scope's instruments to use now, or undefined when metrics go nowhere. */
  instruments(): Instruments | undefined;
}

export interface TelemetrySourceOptions<Instruments> {
  readonly scope: string;
  readonly version: string;
  readonly tracerProvider?: TracerProviderLike | undefined;
  readonly meterProvider?: MeterProviderLike | undefined;
  /** Creates the scope's instruments on a (non-no-op) meter. */
  readonly createInstruments: (meter: OtelApi.Meter) => Instruments;
}

/** See {@link TelemetrySource}. */
export function telemetrySource<Instruments>(
  otel: typeof OtelApi,
  options: TelemetrySourceOptions<Instruments>,
): TelemetrySource<Instruments> {
  // The no-op classes, taken from fresh instances: the API does not export them.
  const NoopTracerProvider = new otel.ProxyTracerProvider().getDelegate().constructor;
  const NoopMeter = otel.createNoopMeter().constructor;

  let tracerOf: OtelApi.TracerProvider | undefined;
  let tracer: OtelApi.Tracer | undefined;
  let meterProviderOf: OtelApi.MeterProvider | undefined;
  let instruments: Instruments | undefined;

  const liveProvider = (provider: OtelApi.TracerProvider): boolean =>
    !(provider instanceof otel.ProxyTracerProvider) || !(provider.getDelegate() instanceof NoopTracerProvider);

  return {
    tracer() {
      const provider = (options.tracerProvider as OtelApi.TracerProvider | undefined) ?? otel.trace.getTracerProvider();
      if (!liveProvider(provider)) return undefined;
      if (provider !== tracerOf) {
        tracerOf = provider;
        tracer = provider.getTracer(options.scope, options.version);
      }
      return tracer;
    },
    instruments() {
      const provider = (options.meterProvider as OtelApi.MeterProvider | undefined) ?? otel.metrics.getMeterProvider();
      if (provider !== meterProviderOf) {
        meterProviderOf = provider;
        const meter = provider.getMeter(options.scope, options.version);
        instruments = meter instanceof NoopMeter ? undefined : options.createInstruments(meter);
      }
      return instruments;
    },
  };
}

/** Name and version of this package: the instrumentation scope of its tracers and meters. */
export function instrumentationScope(): { readonly name: string; readonly version: string } {
  // By the package's own name (a self-reference through its exports), not a
  // relative path: the same code runs from src/, from dist/ and from a bundle chunk.
  const { name, version } = createRequire(import.meta.url)("tamar-model-client/package.json") as { name: string; version: string };
  return { name, version };
}
