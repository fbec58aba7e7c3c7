/**
 * Options of the reference server and their resolution: option (or CLI flag)
 * first, then environment variable, then default. Every bad value is a
 * {@link ModelServerConfigError} naming the setting, before anything listens.
 */
import type { AnswerStore } from "../dedup/answer-store.js";
import { type Backend, DEFAULT_POLL_INTERVAL_MS, type ModelProvider } from "../providers/provider.js";
import type { ServerLogger, StructuredLogger } from "../logging/logger.js";
import type { ServerTelemetryOptions } from "../telemetry/server-telemetry-options.js";
import { readBackendSettings, type BackendSettings, type Env } from "./backend-settings.js";
import { BOOLEAN_WORDS_HINT, parseBooleanWord } from "../../internal/boolean-words.js";
import { ModelServerConfigError } from "./config-error.js";
import { type CallbackAllowList, parseCallbackAllowList } from "../callbacks/callback-allow-list.js";

/** TLS for the server; with `clientCa` it also requires client certificates (mTLS). */
export interface ServerTlsOptions {
  /** PEM certificate chain of the server. */
  readonly cert: string | Uint8Array;
  /** PEM private key of the server. */
  readonly key: string | Uint8Array;
  /** PEM CA bundle that client certificates must chain to; set it to require them. */
  readonly clientCa?: string | Uint8Array;
}

/** Options of {@link startModelServer}. Each falls back to its environment variable, then its default. */
export interface ModelServerOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string | undefined;
  /** Port to listen on; 0 picks a free one. Default 0 in code, 50051 for the CLI. */
  port?: number | undefined;
  /**
   * Also serve the HTTP API (`POST /v1/invoke`, `/v1/batch-invoke`, SSE
   * streams: the Python SDK's HTTP fallback) on this port of `host`; 0 picks
   * a free one. Default: no HTTP API. Env `TAMAR_MODEL_SERVER_HTTP_PORT`.
   */
  httpPort?: number | undefined;
  /** Shared HS256 secret of the callers' JWTs. Env `MODEL_MANAGER_SERVER_JWT_SECRET_KEY`. */
  jwtSecretKey?: string | undefined;
  /** Accept calls without a JWT (development only). Env `TAMAR_MODEL_SERVER_ALLOW_UNAUTHENTICATED`. */
  allowUnauthenticated?: boolean | undefined;
  /** Accept requests whose `org_id` or `user_id` is empty (refused by default: every request belongs to a tenant). Env `TAMAR_MODEL_SERVER_ALLOW_EMPTY_TENANT`. */
  allowEmptyTenant?: boolean | undefined;
  /** Answer every call from the offline provider, even with provider credentials set. Env `TAMAR_MODEL_SERVER_OFFLINE`. */
  offline?: boolean | undefined;
  /** Pause before each offline stream chunk, ms (0 = none). Default 5. Env `TAMAR_MODEL_SERVER_OFFLINE_CHUNK_DELAY_MS`. */
  offlineChunkDelayMs?: number | undefined;
  /** Batch items run at the same time. Default 8. Env `TAMAR_MODEL_SERVER_BATCH_CONCURRENCY`. */
  batchConcurrency?: number | undefined;
  /** Largest batch accepted. Default 1000. Env `TAMAR_MODEL_SERVER_MAX_BATCH_ITEMS`. */
  maxBatchItems?: number | undefined;
  /** Largest request message, bytes; larger ones get RESOURCE_EXHAUSTED. Default 32 MiB. Env `TAMAR_MODEL_SERVER_MAX_MESSAGE_BYTES`. */
  maxReceiveMessageBytes?: number | undefined;
  /** How long `close()` lets in-flight calls finish before cancelling them, ms. Default 10000. Env `TAMAR_MODEL_SERVER_SHUTDOWN_GRACE_MS`. */
  shutdownGraceMs?: number | undefined;
  /**
   * Age after which the server asks a client connection to go away (GOAWAY),
   * ms; 0 = never. Clients then reconnect (and re-resolve a `dns:///` name),
   * so replicas added behind a name receive traffic. Default 300000. Env
   * `TAMAR_MODEL_SERVER_MAX_CONNECTION_AGE_MS`.
   */
  maxConnectionAgeMs?: number | undefined;
  /**
   * How long calls on a connection past its age may still run before it is
   * closed, ms: make it longer than the longest stream. Default 1800000
   * (30 min). Env `TAMAR_MODEL_SERVER_MAX_CONNECTION_AGE_GRACE_MS`.
   */
  maxConnectionAgeGraceMs?: number | undefined;
  /** Retries of a failed upstream provider request inside its SDK. Default 2. Env `TAMAR_MODEL_SERVER_PROVIDER_MAX_RETRIES`. */
  providerMaxRetries?: number | undefined;
  /**
   * How long a finished answer is kept, ms, so that a retry of the call (same
   * tenant, `x-request-id` and request) gets it instead of a second provider
   * call. 0: not kept. Default 300000. Env `TAMAR_MODEL_SERVER_DEDUP_TTL_MS`.
   */
  dedupTtlMs?: number | undefined;
  /**
   * How long a call whose connection was lost (not cancelled) keeps its
   * provider request running for a retry to attach, ms. 0: aborted at once.
   * Default 30000. Env `TAMAR_MODEL_SERVER_DEDUP_GRACE_MS`.
   */
  dedupGraceMs?: number | undefined;
  /** Largest answer buffered for a retry and kept, bytes. Default 8 MiB. Env `TAMAR_MODEL_SERVER_DEDUP_MAX_ANSWER_BYTES`. */
  dedupMaxAnswerBytes?: number | undefined;
  /** Bytes of answers kept in all (oldest evicted first): in this process, or in Redis for every replica with `redisUrl`. Default 64 MiB. Env `TAMAR_MODEL_SERVER_DEDUP_MAX_BYTES`. */
  dedupMaxBytes?: number | undefined;
  /**
   * Where finished answers are kept. Default: in Redis with `redisUrl`
   * (running calls shared by the replicas too), else in this process (bounded
   * by `dedupMaxBytes`, lost on restart). A store of your own shares finished
   * answers only: a late retry finds its answer on any replica that uses it.
   */
  answerStore?: AnswerStore | undefined;
  /** Environment to read settings and provider credentials from. Default: `process.env` over a `.env` file in the working directory. */
  env?: Env | undefined;
  /**
   * Receives structured log records: a function of each record, or a
   * pino-shaped logger (pino itself, or the client's `Logger`), called as
   * `logger.info(fields, message)`. Default: none (silent).
   */
  logger?: ServerLogger | StructuredLogger | undefined;
  /** Serve TLS (and mTLS with `clientCa`) instead of plaintext. */
  tls?: ServerTlsOptions | undefined;
  /** Replaces the built-in provider module of a backend (tests, custom gateways). */
  providers?: Partial<Record<Backend, ModelProvider>> | undefined;
  /** `googleAuthOptions` for `@google/genai` on Vertex AI (default: Application Default Credentials). */
  googleAuthOptions?: Readonly<Record<string, unknown>> | undefined;
  /** Loads a provider SDK by package name. Default: `import()`. */
  importModule?: ((specifier: string) => Promise<unknown>) | undefined;
  /** How long the offline provider takes to "generate" a video, ms. Default 1000. Env `TAMAR_MODEL_SERVER_OFFLINE_TASK_DELAY_MS`. */
  offlineTaskDelayMs?: number | undefined;
  /** How long a finished task stays readable, ms. Default 86400000 (24 h). Env `TAMAR_MODEL_SERVER_TASK_TTL_MS`. */
  taskTtlMs?: number | undefined;
  /** Largest task result kept (`result_data` JSON, bytes); a larger one fails the task. Default 32 MiB. Env `TAMAR_MODEL_SERVER_TASK_RESULT_MAX_BYTES`. */
  taskResultMaxBytes?: number | undefined;
  /** Tasks run at the same time by this process. Default 16. Env `TAMAR_MODEL_SERVER_TASK_CONCURRENCY`. */
  taskConcurrency?: number | undefined;
  /**
   * Redis store: tasks as BullMQ jobs, and the answers of retried calls,
   * shared by every replica that uses the same URL and prefix (needs the
   * optional packages `bullmq` and `ioredis`).
   * Default: in memory. Env `TAMAR_MODEL_SERVER_REDIS_URL`.
   */
  redisUrl?: string | undefined;
  /** Prefix of every Redis key of the store. Default `tamar-model-server`. Env `TAMAR_MODEL_SERVER_REDIS_KEY_PREFIX`. */
  redisKeyPrefix?: string | undefined;
  /** Redis store: how long a replica holds a running task before another may take it over, ms. Default 30000. Env `TAMAR_MODEL_SERVER_TASK_LOCK_MS`. */
  taskLockMs?: number | undefined;
  /** Secret that signs callbacks (Standard Webhooks; `whsec_<base64>` or any text). Without it no callback is accepted. Env `TAMAR_MODEL_SERVER_WEBHOOK_SECRET`. */
  webhookSecret?: string | undefined;
  /** Origins callbacks may go to (`https://hooks.example.com`, `https://*.example.com`). Default none. Env `TAMAR_MODEL_SERVER_CALLBACK_ALLOWED_ORIGINS` (comma-separated). */
  callbackAllowedOrigins?: readonly string[] | undefined;
  /** How long a callback is redelivered after its first attempt fails, ms. Default 3600000. Env `TAMAR_MODEL_SERVER_CALLBACK_RETRY_WINDOW_MS`. */
  callbackRetryWindowMs?: number | undefined;
  /** First pause between callback attempts, ms (doubling, with jitter, up to 5 min). Default 1000. Env `TAMAR_MODEL_SERVER_CALLBACK_RETRY_BASE_MS`. */
  callbackRetryBaseMs?: number | undefined;
  /** Pause between two status reads of a provider's video operation, ms. Default 5000. Env `TAMAR_MODEL_SERVER_PROVIDER_POLL_INTERVAL_MS`. */
  providerPollIntervalMs?: number | undefined;
  /** The clock of task times and expiry (epoch ms). Default `Date.now`; tests move it. */
  now?: (() => number) | undefined;
  /**
   * OpenTelemetry: SERVER spans continuing the callers' traces, a CLIENT span
   * per provider request, the GenAI server metrics. Recorded whenever
   * `@opentelemetry/api` is installed and an SDK is registered (globally, or
   * the providers given here).
   */
  telemetry?: ServerTelemetryOptions | undefined;
}

/** Fully resolved settings. */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  /** Undefined: no HTTP API. */
  readonly httpPort: number | undefined;
  readonly jwtSecretKey: string | undefined;
  readonly allowEmptyTenant: boolean;
  readonly offline: "forced" | "no-credentials" | false;
  readonly offlineChunkDelayMs: number;
  readonly batchConcurrency: number;
  readonly maxBatchItems: number;
  readonly maxReceiveMessageBytes: number;
  readonly shutdownGraceMs: number;
  readonly maxConnectionAgeMs: number;
  readonly maxConnectionAgeGraceMs: number;
  readonly providerMaxRetries: number;
  readonly dedup: { readonly ttlMs: number; readonly graceMs: number; readonly maxAnswerBytes: number; readonly maxBytes: number };
  readonly backends: BackendSettings;
  readonly offlineTaskDelayMs: number;
  readonly tasks: TaskSettings;
}

/** Resolved settings of tasks and callbacks. */
export interface TaskSettings {
  readonly ttlMs: number;
  readonly resultMaxBytes: number;
  readonly concurrency: number;
  readonly redisUrl: string | undefined;
  readonly redisKeyPrefix: string;
  readonly lockMs: number;
  readonly webhookSecret: string | undefined;
  readonly callbackAllowList: CallbackAllowList;
  readonly callbackRetryWindowMs: number;
  readonly callbackRetryBaseMs: number;
  readonly providerPollIntervalMs: number;
}

const ENV_PREFIX = "TAMAR_MODEL_SERVER_";
const MIB = 1024 * 1024;

/** Resolves and checks every setting. */
export function resolveServerConfig(options: ModelServerOptions, env: Env): ServerConfig {
  const setting = new SettingReader(env);
  const allowUnauthenticated = setting.flag("allowUnauthenticated", options.allowUnauthenticated);
  if (options.jwtSecretKey !== undefined && options.jwtSecretKey.trim() === "") {
    throw new ModelServerConfigError("jwtSecretKey", "the JWT secret is empty");
  }
  // An empty variable (`KEY=` in a .env file) means unset.
  const envSecret = env["MODEL_MANAGER_SERVER_JWT_SECRET_KEY"];
  const jwtSecretKey = options.jwtSecretKey ?? (envSecret?.trim() ? envSecret : undefined);
  if (jwtSecretKey === undefined && !allowUnauthenticated) {
    throw new ModelServerConfigError(
      "MODEL_MANAGER_SERVER_JWT_SECRET_KEY",
      "no JWT secret: set MODEL_MANAGER_SERVER_JWT_SECRET_KEY (the secret the clients sign with), or allow unauthenticated calls explicitly (--allow-unauthenticated / allowUnauthenticated: true)",
    );
  }
  const backends = readBackendSettings(env);
  const configured = Object.keys(backends).length > 0 || Object.keys(options.providers ?? {}).length > 0;
  const forcedOffline = setting.flag("offline", options.offline);
  const host = options.host ?? "127.0.0.1";
  if (host.trim() === "") throw new ModelServerConfigError("host", "host must not be empty");
  return {
    host,
    port: setting.integer("port", options.port, { min: 0, max: 65_535, fallback: 0, env: false }),
    httpPort: setting.optionalInteger("httpPort", options.httpPort, { min: 0, max: 65_535 }),
    // Allowing unauthenticated calls turns verification off altogether, secret or not.
    jwtSecretKey: allowUnauthenticated ? undefined : jwtSecretKey,
    allowEmptyTenant: setting.flag("allowEmptyTenant", options.allowEmptyTenant),
    offline: forcedOffline ? "forced" : configured ? false : "no-credentials",
    offlineChunkDelayMs: setting.integer("offlineChunkDelayMs", options.offlineChunkDelayMs, { min: 0, max: 60_000, fallback: 5 }),
    batchConcurrency: setting.integer("batchConcurrency", options.batchConcurrency, { min: 1, max: 1_000, fallback: 8 }),
    maxBatchItems: setting.integer("maxBatchItems", options.maxBatchItems, { min: 1, max: 100_000, fallback: 1_000 }),
    maxReceiveMessageBytes: setting.integer("maxReceiveMessageBytes", options.maxReceiveMessageBytes, {
      min: 1_024,
      max: 2 ** 31 - 1,
      fallback: 32 * 1024 * 1024,
      envName: "MAX_MESSAGE_BYTES",
    }),
    shutdownGraceMs: setting.integer("shutdownGraceMs", options.shutdownGraceMs, { min: 0, max: 3_600_000, fallback: 10_000 }),
    maxConnectionAgeMs: setting.integer("maxConnectionAgeMs", options.maxConnectionAgeMs, { min: 0, max: 2 ** 31 - 1, fallback: 300_000 }),
    maxConnectionAgeGraceMs: setting.integer("maxConnectionAgeGraceMs", options.maxConnectionAgeGraceMs, {
      min: 0,
      max: 2 ** 31 - 1,
      fallback: 1_800_000,
    }),
    providerMaxRetries: setting.integer("providerMaxRetries", options.providerMaxRetries, { min: 0, max: 10, fallback: 2 }),
    dedup: {
      ttlMs: setting.integer("dedupTtlMs", options.dedupTtlMs, { min: 0, max: 86_400_000, fallback: 300_000 }),
      graceMs: setting.integer("dedupGraceMs", options.dedupGraceMs, { min: 0, max: 3_600_000, fallback: 30_000 }),
      maxAnswerBytes: setting.integer("dedupMaxAnswerBytes", options.dedupMaxAnswerBytes, { min: 0, max: 2 ** 31 - 1, fallback: 8 * MIB }),
      maxBytes: setting.integer("dedupMaxBytes", options.dedupMaxBytes, { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 64 * MIB }),
    },
    backends,
    offlineTaskDelayMs: setting.integer("offlineTaskDelayMs", options.offlineTaskDelayMs, { min: 0, max: 600_000, fallback: 1_000 }),
    tasks: resolveTaskSettings(options, setting),
  };
}

const DAY_MS = 86_400_000;

function resolveTaskSettings(options: ModelServerOptions, setting: SettingReader): TaskSettings {
  const origins = options.callbackAllowedOrigins ?? setting.list("callbackAllowedOrigins");
  let callbackAllowList: CallbackAllowList;
  try {
    callbackAllowList = parseCallbackAllowList(origins);
  } catch (error) {
    throw new ModelServerConfigError("callbackAllowedOrigins", `callbackAllowedOrigins: ${(error as Error).message}`);
  }
  const redisUrl = setting.text("redisUrl", options.redisUrl);
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ModelServerConfigError("redisUrl", `redisUrl must be a redis:// or rediss:// URL, got "${redisUrl}"`);
  }
  const redisKeyPrefix = setting.text("redisKeyPrefix", options.redisKeyPrefix) ?? "tamar-model-server";
  if (!/^[\w.-]+$/.test(redisKeyPrefix)) {
    throw new ModelServerConfigError("redisKeyPrefix", `redisKeyPrefix may hold letters, digits, "_", "." and "-" only, got "${redisKeyPrefix}"`);
  }
  return {
    ttlMs: setting.integer("taskTtlMs", options.taskTtlMs, { min: 1, max: 30 * DAY_MS, fallback: DAY_MS }),
    resultMaxBytes: setting.integer("taskResultMaxBytes", options.taskResultMaxBytes, { min: 1_024, max: 2 ** 31 - 1, fallback: 32 * 1024 * 1024 }),
    concurrency: setting.integer("taskConcurrency", options.taskConcurrency, { min: 1, max: 1_000, fallback: 16 }),
    redisUrl,
    redisKeyPrefix,
    lockMs: setting.integer("taskLockMs", options.taskLockMs, { min: 100, max: 3_600_000, fallback: 30_000 }),
    webhookSecret: setting.text("webhookSecret", options.webhookSecret),
    callbackAllowList,
    callbackRetryWindowMs: setting.integer("callbackRetryWindowMs", options.callbackRetryWindowMs, { min: 0, max: 7 * DAY_MS, fallback: 3_600_000 }),
    callbackRetryBaseMs: setting.integer("callbackRetryBaseMs", options.callbackRetryBaseMs, { min: 1, max: 3_600_000, fallback: 1_000 }),
    providerPollIntervalMs: setting.integer("providerPollIntervalMs", options.providerPollIntervalMs, {
      min: 1,
      max: 600_000,
      fallback: DEFAULT_POLL_INTERVAL_MS,
    }),
  };
}

/** The environment variable of an option: `batchConcurrency` → `TAMAR_MODEL_SERVER_BATCH_CONCURRENCY`. */
export function envNameOf(option: string): string {
  return ENV_PREFIX + option.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase();
}

interface IntegerRule {
  readonly min: number;
  readonly max: number;
  readonly fallback: number;
  /** false: the option has no environment variable. */
  readonly env?: false;
  /** Suffix of the variable when it differs from the option name. */
  readonly envName?: string;
}

class SettingReader {
  private readonly env: Env;

  constructor(env: Env) {
    this.env = env;
  }

  flag(option: string, value: boolean | undefined): boolean {
    if (value !== undefined) return value;
    const name = envNameOf(option);
    const word = parseBooleanWord(this.env[name]);
    if (word === null) throw new ModelServerConfigError(name, `${name} must be ${BOOLEAN_WORDS_HINT}, got "${this.env[name]}"`);
    return word ?? false;
  }

  /** A text setting; empty means unset. */
  text(option: string, value: string | undefined): string | undefined {
    const text = (value ?? this.env[envNameOf(option)])?.trim();
    return text === undefined || text === "" ? undefined : text;
  }

  /** A comma-separated list setting. */
  list(option: string): string[] {
    return (this.text(option, undefined) ?? "").split(",").map((entry) => entry.trim()).filter((entry) => entry !== "");
  }

  /** An integer setting with no default: undefined when neither given nor set. */
  optionalInteger(option: string, value: number | undefined, rule: Pick<IntegerRule, "min" | "max">): number | undefined {
    if (value === undefined && (this.env[envNameOf(option)] ?? "").trim() === "") return undefined;
    return this.integer(option, value, { ...rule, fallback: rule.min });
  }

  integer(option: string, value: number | undefined, rule: IntegerRule): number {
    if (value !== undefined) return checkInteger(option, value, rule);
    if (rule.env === false) return rule.fallback;
    const name = rule.envName ? ENV_PREFIX + rule.envName : envNameOf(option);
    const text = this.env[name]?.trim();
    if (text === undefined || text === "") return rule.fallback;
    return checkInteger(name, /^-?\d+$/.test(text) ? Number(text) : Number.NaN, rule, text);
  }
}

function checkInteger(setting: string, value: number, rule: IntegerRule, text = String(value)): number {
  if (!Number.isSafeInteger(value) || value < rule.min || value > rule.max) {
    throw new ModelServerConfigError(
      setting,
      `${setting} must be an integer from ${rule.min} to ${rule.max}, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}
