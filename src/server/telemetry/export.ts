/**
 * Telemetry export of the `tamar-model-server` process, set up the standard
 * way: when `OTEL_*` variables ask for an exporter (or an OTLP endpoint), the
 * OpenTelemetry Node SDK starts and configures itself from them; with
 * `--metrics-port`, a Prometheus endpoint serves the server's metrics on
 * `host:port/metrics`. The SDK packages are optional: asked for and missing,
 * they are a configuration error naming what to install.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Counter, Histogram, Meter, MeterProvider } from "@opentelemetry/api";
import { ModelServerConfigError } from "../config/config-error.js";
import type { Env } from "../config/backend-settings.js";
import type { MeterProviderLike } from "../../telemetry/otel-api.js";

const EXPORTER_VARIABLES = ["OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER", "OTEL_LOGS_EXPORTER"];
const ENDPOINT_VARIABLES = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"];

/** True when the environment asks for OpenTelemetry export (and does not disable the SDK). */
export function otelSdkRequested(env: Env): boolean {
  if (env["OTEL_SDK_DISABLED"]?.trim().toLowerCase() === "true") return false;
  const exporter = EXPORTER_VARIABLES.some((name) => {
    const value = env[name]?.trim();
    return value !== undefined && value !== "" && value !== "none";
  });
  return exporter || ENDPOINT_VARIABLES.some((name) => (env[name]?.trim() ?? "") !== "");
}

export interface TelemetryExportOptions {
  readonly env: Env;
  /** Serve Prometheus metrics on this port (0 picks one). */
  readonly metricsPort?: number | undefined;
  /** Interface of the metrics endpoint. Default `127.0.0.1`. */
  readonly metricsHost?: string | undefined;
  /** Loads a package by name. Default: `import()`. */
  readonly importModule?: ((specifier: string) => Promise<unknown>) | undefined;
}

export interface TelemetryExport {
  /** The meter provider the server should record on: undefined means the global one. */
  readonly meterProvider: MeterProviderLike | undefined;
  /** `http://host:port/metrics` when the Prometheus endpoint runs. */
  readonly metricsUrl: string | undefined;
  /** What was started, for the startup log. */
  readonly started: readonly string[];
  /** Flushes and stops the exporters. */
  shutdown(): Promise<void>;
}

async function load<T>(importModule: (specifier: string) => Promise<unknown>, name: string, why: string, setting: string): Promise<T> {
  try {
    return (await importModule(name)) as T;
  } catch (error) {
    throw new ModelServerConfigError(setting, `${why} needs the ${name} package: npm install ${name} (${(error as Error).message})`);
  }
}

/** Starts what the environment and options ask for; resolves with nothing started when they ask for nothing. */
export async function startTelemetryExport(options: TelemetryExportOptions): Promise<TelemetryExport> {
  const importModule = options.importModule ?? ((specifier: string) => import(specifier));
  const stops: Array<() => Promise<void>> = [];
  const started: string[] = [];
  let globalMeters: MeterProvider | undefined;
  if (otelSdkRequested(options.env)) {
    const { NodeSDK } = await load<typeof import("@opentelemetry/sdk-node")>(importModule, "@opentelemetry/sdk-node", "OTEL_* export", "OTEL_TRACES_EXPORTER");
    const sdk = new NodeSDK({ ...(options.env["OTEL_SERVICE_NAME"] ? {} : { serviceName: "tamar-model-server" }) });
    sdk.start();
    stops.push(() => sdk.shutdown());
    started.push("otel-sdk");
    const api = await load<typeof import("@opentelemetry/api")>(importModule, "@opentelemetry/api", "OTEL_* export", "OTEL_TRACES_EXPORTER");
    globalMeters = api.metrics.getMeterProvider();
  }
  let meterProvider: MeterProviderLike | undefined;
  let metricsUrl: string | undefined;
  if (options.metricsPort !== undefined) {
    const why = "--metrics-port";
    const { PrometheusExporter } = await load<typeof import("@opentelemetry/exporter-prometheus")>(importModule, "@opentelemetry/exporter-prometheus", why, "metricsPort");
    const { MeterProvider: SdkMeterProvider } = await load<typeof import("@opentelemetry/sdk-metrics")>(importModule, "@opentelemetry/sdk-metrics", why, "metricsPort");
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const prometheusMeters = new SdkMeterProvider({ readers: [exporter] });
    // Our own listener, not the exporter's: it binds the given host and reports the port it got.
    const http = createServer((request, response) => {
      if (request.method === "GET" && request.url?.split("?")[0] === "/metrics") return exporter.getMetricsRequestHandler(request, response);
      response.statusCode = 404;
      response.end("not found: metrics are at /metrics\n");
    });
    const host = options.metricsHost ?? "127.0.0.1";
    await listen(http, options.metricsPort, host);
    const port = (http.address() as AddressInfo).port;
    metricsUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}/metrics`;
    stops.push(async () => {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await prometheusMeters.shutdown();
    });
    started.push("prometheus");
    meterProvider = globalMeters ? fanOut([globalMeters, prometheusMeters]) : prometheusMeters;
  }
  return {
    meterProvider,
    metricsUrl,
    started,
    async shutdown() {
      await Promise.allSettled(stops.splice(0).map((stop) => stop()));
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error) =>
      reject(new ModelServerConfigError("metricsPort", `cannot listen on ${host}:${port} for metrics: ${error.message}`)),
    );
    server.listen(port, host, () => resolve());
  });
}

/**
 * One meter provider recording on several: the server's metrics go to the
 * Prometheus endpoint and to the SDK's exporters alike. Only the instruments
 * the server creates (histograms, counters) are needed.
 */
function fanOut(providers: readonly MeterProvider[]): MeterProviderLike {
  return {
    getMeter(name: string, version?: string) {
      const meters: Meter[] = providers.map((provider) => provider.getMeter(name, version));
      const meter: Pick<Meter, "createHistogram" | "createCounter"> = {
        createHistogram(instrument, options) {
          const all = meters.map((each) => each.createHistogram(instrument, options));
          return { record: (value, attributes, context) => all.forEach((each) => each.record(value, attributes, context)) } as Histogram;
        },
        createCounter(instrument, options) {
          const all = meters.map((each) => each.createCounter(instrument, options));
          return { add: (value, attributes, context) => all.forEach((each) => each.add(value, attributes, context)) } as Counter;
        },
      };
      return meter;
    },
  };
}
