#!/usr/bin/env node
/**
 * `tamar-model-server`: runs the reference Model Manager server until SIGTERM
 * or SIGINT, then shuts down gracefully. Logs JSON lines to stderr; prints
 * `… listening on HOST:PORT …` on stdout once it accepts calls.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ModelServerConfigError } from "./config/config-error.js";
import { environmentWithDotEnv } from "./config/dotenv.js";
import { envNameOf, type ModelServerOptions } from "./config/server-config.js";
import { jsonLinesLogger, type LogLevel, type ServerLogger, silentLogger } from "./logging/logger.js";
import { startModelServer } from "./start-model-server.js";
import { startTelemetryExport, type TelemetryExport } from "./telemetry/export.js";

const NAME = "tamar-model-server";
const DEFAULT_PORT = 50051;

const USAGE = `Usage: ${NAME} [options]

Runs the reference Model Manager gRPC server. With no provider credentials in
the environment every call is answered by the offline provider.

Options (each also read from the environment variable shown):
  --host HOST                   interface to listen on (default 127.0.0.1)
  --port PORT                   port; 0 picks a free one (default ${DEFAULT_PORT})
  --http-port PORT              also serve the HTTP API (POST /v1/invoke,
                                /v1/batch-invoke, SSE; the Python SDK's HTTP
                                fallback) on PORT of the same host (default: none)
  --jwt-secret-file PATH        file holding the shared JWT secret
                                (default: MODEL_MANAGER_SERVER_JWT_SECRET_KEY)
  --allow-unauthenticated       accept calls without a JWT (development only)
  --allow-empty-tenant          accept requests with an empty org_id or user_id
  --offline                     answer every call offline, credentials or not
  --offline-chunk-delay-ms MS   pause before each offline stream chunk (default 5)
  --batch-concurrency N         batch items run at once (default 8)
  --max-batch-items N           largest batch accepted (default 1000)
  --max-message-bytes N         largest request message (default 33554432)
  --shutdown-grace-ms MS        time in-flight calls get on shutdown (default 10000)
  --max-connection-age-ms MS    GOAWAY to a client connection after this age, so
                                clients rebalance over new replicas; 0 = never
                                (default 300000)
  --max-connection-age-grace-ms MS  time calls on an aged connection may still
                                run: longer than the longest stream (default 1800000)
  --provider-max-retries N      retries inside the provider SDKs (default 2)
  --dedup-ttl-ms MS             how long a finished answer serves retries (default 300000)
  --dedup-grace-ms MS           how long a call whose connection was lost waits for its retry (default 30000)
  --dedup-max-answer-bytes N    largest answer kept for retries (default 8388608)
  --dedup-max-bytes N           answers kept in all, in memory or Redis (default 67108864)
  --offline-task-delay-ms MS    how long an offline video takes (default 1000)
  --task-ttl-ms MS              how long a finished task stays readable (default 86400000)
  --task-result-max-bytes N     largest task result kept (default 33554432)
  --task-concurrency N          tasks this process runs at once (default 16)
  --redis-url URL               share tasks and retried calls with other replicas through Redis
                                (BullMQ; needs npm install bullmq ioredis)
  --redis-key-prefix PREFIX     prefix of the Redis keys (default tamar-model-server)
  --task-lock-ms MS             Redis: time before a dead replica's task is taken over (default 30000)
  --provider-poll-interval-ms MS  pause between status reads of a provider video job (default 5000)
  --webhook-secret-file PATH    file holding the secret that signs task callbacks
                                (Standard Webhooks; without one no callback is accepted)
  --callback-allowed-origins LIST  comma-separated origins callbacks may go to (default none)
  --callback-retry-window-ms MS how long a failed callback is redelivered (default 3600000)
  --callback-retry-base-ms MS   first pause between callback attempts (default 1000)
  --tls-cert PATH --tls-key PATH  serve TLS
  --tls-client-ca PATH          require client certificates signed by this CA (mTLS)
  --log-level LEVEL             debug, info, warn, error or silent (default info)
  --metrics-port PORT           serve Prometheus metrics on PORT at /metrics
                                (needs @opentelemetry/exporter-prometheus and
                                @opentelemetry/sdk-metrics)
  --metrics-host HOST           interface of the metrics endpoint (default 127.0.0.1)
  --help                        show this help

Environment: TAMAR_MODEL_SERVER_<OPTION> (e.g. TAMAR_MODEL_SERVER_OFFLINE=true),
provider credentials under each SDK's own names (see the README), and a .env
file in the working directory (never overriding variables already set).
OpenTelemetry export follows the standard OTEL_* variables (OTEL_TRACES_EXPORTER,
OTEL_EXPORTER_OTLP_ENDPOINT, ...; needs @opentelemetry/sdk-node).`;

const INTEGER_FLAGS = {
  "http-port": "httpPort",
  "offline-chunk-delay-ms": "offlineChunkDelayMs",
  "batch-concurrency": "batchConcurrency",
  "max-batch-items": "maxBatchItems",
  "max-message-bytes": "maxReceiveMessageBytes",
  "shutdown-grace-ms": "shutdownGraceMs",
  "max-connection-age-ms": "maxConnectionAgeMs",
  "max-connection-age-grace-ms": "maxConnectionAgeGraceMs",
  "provider-max-retries": "providerMaxRetries",
  "dedup-ttl-ms": "dedupTtlMs",
  "dedup-grace-ms": "dedupGraceMs",
  "dedup-max-answer-bytes": "dedupMaxAnswerBytes",
  "dedup-max-bytes": "dedupMaxBytes",
  "offline-task-delay-ms": "offlineTaskDelayMs",
  "task-ttl-ms": "taskTtlMs",
  "task-result-max-bytes": "taskResultMaxBytes",
  "task-concurrency": "taskConcurrency",
  "task-lock-ms": "taskLockMs",
  "callback-retry-window-ms": "callbackRetryWindowMs",
  "callback-retry-base-ms": "callbackRetryBaseMs",
  "provider-poll-interval-ms": "providerPollIntervalMs",
} as const satisfies Record<string, keyof ModelServerOptions>;

const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;

/** Runs the CLI; resolves to the process exit code once the server has stopped. */
async function runCli(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(argv);
  } catch (error) {
    process.stderr.write(`${NAME}: ${(error as Error).message}\nRun ${NAME} --help for the options.\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let server: Awaited<ReturnType<typeof startModelServer>>;
  let logger: ServerLogger;
  let options: ModelServerOptions;
  let telemetry: TelemetryExport | undefined;
  try {
    const env = environmentWithDotEnv();
    logger = loggerOf(parsed.values["log-level"] ?? env[envNameOf("logLevel")]);
    options = optionsOf(parsed.values);
    const metricsPort = parsed.values["metrics-port"] ?? env[envNameOf("metricsPort")];
    telemetry = await startTelemetryExport({
      env,
      metricsPort: metricsPort === undefined || metricsPort.trim() === "" ? undefined : integerFlag("--metrics-port", metricsPort),
      metricsHost: parsed.values["metrics-host"] ?? env[envNameOf("metricsHost")],
    });
    if (telemetry.started.length > 0) {
      logger({ level: "info", msg: "telemetry export", exporters: telemetry.started.join(","), ...(telemetry.metricsUrl ? { metrics: telemetry.metricsUrl } : {}) });
    }
    server = await startModelServer({ ...options, env, logger, telemetry: { meterProvider: telemetry.meterProvider } });
  } catch (error) {
    await telemetry?.shutdown();
    if (!(error instanceof ModelServerConfigError)) throw error;
    process.stderr.write(`${NAME}: config error (${flagOf(error.setting)}): ${error.message}\n`);
    return 2;
  }
  const exporters = telemetry;
  return new Promise((resolve) => {
    let signals = 0;
    const stop = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        logger({ level: "warn", msg: "second signal: exiting without waiting for calls in flight", signal });
        resolve(1);
        return;
      }
      logger({ level: "info", msg: "signal received", signal });
      server.close().then(
        () => exporters.shutdown().then(() => resolve(0)),
        (error: unknown) => {
          logger({ level: "error", msg: "shutdown failed", error: String(error) });
          resolve(1);
        },
      );
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    // Announced only once the signals are handled: a supervisor may send
    // SIGTERM the moment it reads this line.
    const mode = server.offline ? "offline provider" : `providers: ${server.backends.join(", ")}`;
    process.stdout.write(
      `${NAME} listening on ${server.address} (${mode}; ${server.authenticated ? "JWT required" : "NO authentication"}); clients: ${clientSettings(server, options.tls !== undefined)}\n`,
    );
    if (server.httpUrl) process.stdout.write(`${NAME} HTTP API on ${server.httpUrl}\n`);
  });
}

/**
 * The client settings that reach this server, as environment variables the
 * client reads (never the secret itself).
 */
function clientSettings(server: { address: string; authenticated: boolean }, tls: boolean): string {
  return [
    `MODEL_MANAGER_SERVER_ADDRESS=${server.address}`,
    `MODEL_MANAGER_SERVER_GRPC_USE_TLS=${tls}`,
    ...(server.authenticated ? ["MODEL_MANAGER_SERVER_JWT_SECRET_KEY=<the server's JWT secret>"] : []),
  ].join(" ");
}

function parseFlags(argv: readonly string[]) {
  const integer = { type: "string" } as const;
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: "string" },
      port: integer,
      "jwt-secret-file": { type: "string" },
      "allow-unauthenticated": { type: "boolean" },
      "allow-empty-tenant": { type: "boolean" },
      offline: { type: "boolean" },
      "offline-chunk-delay-ms": integer,
      "batch-concurrency": integer,
      "max-batch-items": integer,
      "max-message-bytes": integer,
      "shutdown-grace-ms": integer,
      "max-connection-age-ms": integer,
      "max-connection-age-grace-ms": integer,
      "provider-max-retries": integer,
      ...Object.fromEntries(Object.keys(INTEGER_FLAGS).map((flag) => [flag, integer])),
      "redis-url": { type: "string" },
      "redis-key-prefix": { type: "string" },
      "webhook-secret-file": { type: "string" },
      "callback-allowed-origins": { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      "tls-client-ca": { type: "string" },
      "log-level": { type: "string" },
      "metrics-port": integer,
      "metrics-host": { type: "string" },
      help: { type: "boolean" },
    },
  });
}

function optionsOf(values: ReturnType<typeof parseFlags>["values"]): ModelServerOptions {
  const options: ModelServerOptions = { port: DEFAULT_PORT };
  if (values.host !== undefined) options.host = values.host;
  if (values.port !== undefined) options.port = integerFlag("--port", values.port);
  for (const [flag, option] of Object.entries(INTEGER_FLAGS)) {
    const text = (values as Record<string, string | boolean | undefined>)[flag] as string | undefined;
    if (text !== undefined) options[option] = integerFlag(`--${flag}`, text);
  }
  if (values["allow-unauthenticated"]) options.allowUnauthenticated = true;
  if (values["allow-empty-tenant"]) options.allowEmptyTenant = true;
  if (values.offline) options.offline = true;
  if (values["redis-url"] !== undefined) options.redisUrl = values["redis-url"] as string;
  if (values["redis-key-prefix"] !== undefined) options.redisKeyPrefix = values["redis-key-prefix"] as string;
  if (values["webhook-secret-file"] !== undefined) {
    options.webhookSecret = readFlagFile("--webhook-secret-file", values["webhook-secret-file"] as string).toString("utf8").trim();
  }
  if (values["callback-allowed-origins"] !== undefined) {
    options.callbackAllowedOrigins = (values["callback-allowed-origins"] as string).split(",").map((entry) => entry.trim()).filter(Boolean);
  }
  if (values["jwt-secret-file"] !== undefined) {
    options.jwtSecretKey = readFlagFile("--jwt-secret-file", values["jwt-secret-file"]).toString("utf8").trim();
  }
  const cert = values["tls-cert"];
  const key = values["tls-key"];
  if ((cert === undefined) !== (key === undefined)) {
    throw new ModelServerConfigError(cert === undefined ? "--tls-cert" : "--tls-key", "--tls-cert and --tls-key go together");
  }
  if (values["tls-client-ca"] !== undefined && cert === undefined) {
    throw new ModelServerConfigError("--tls-client-ca", "--tls-client-ca needs --tls-cert and --tls-key");
  }
  if (cert !== undefined && key !== undefined) {
    const clientCa = values["tls-client-ca"];
    options.tls = {
      cert: readFlagFile("--tls-cert", cert),
      key: readFlagFile("--tls-key", key),
      ...(clientCa === undefined ? {} : { clientCa: readFlagFile("--tls-client-ca", clientCa) }),
    };
  }
  return options;
}

// Settings named by their option in code, reported by the flag that set them.
const FLAG_OF_SETTING: Readonly<Record<string, string>> = {
  host: "--host",
  port: "--port",
  "tls.cert": "--tls-cert",
  "tls.key": "--tls-key",
  "tls.clientCa": "--tls-client-ca",
  tls: "--tls-cert/--tls-key",
  metricsPort: "--metrics-port",
  redisUrl: "--redis-url",
  redisKeyPrefix: "--redis-key-prefix",
  callbackAllowedOrigins: "--callback-allowed-origins",
  ...Object.fromEntries(Object.entries(INTEGER_FLAGS).map(([flag, option]) => [option, `--${flag}`])),
};

function flagOf(setting: string): string {
  return FLAG_OF_SETTING[setting] ?? setting;
}

function integerFlag(flag: string, text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new ModelServerConfigError(flag, `${flag} must be a whole number, got "${text}"`);
  return Number(text);
}

function readFlagFile(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ModelServerConfigError(flag, `${flag}: cannot read ${path}: ${(error as Error).message}`);
  }
}

function loggerOf(level: string | undefined): ServerLogger {
  const chosen = (level ?? "info").toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(chosen)) {
    throw new ModelServerConfigError("--log-level", `--log-level must be one of ${LOG_LEVELS.join(", ")}, got "${level}"`);
  }
  return chosen === "silent" ? silentLogger : jsonLinesLogger(process.stderr, chosen as LogLevel);
}

process.exit(await runCli(process.argv.slice(2)));
