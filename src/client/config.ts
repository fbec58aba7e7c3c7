// Client settings: options, else environment variables, else a `.env` file in
// the working directory (which never overrides a variable that is set).
// Environment values are in seconds, as in the Python SDK; options in ms.
import { resolve } from "node:path";
import { Status } from "nice-grpc-common";
import { MAX_METADATA_BYTES } from "../internal/bounded-text.js";
import { BOOLEAN_WORDS_HINT, parseBooleanWord } from "../internal/boolean-words.js";
import { withEnvFile } from "../internal/env-file.js";
import { ConfigurationError } from "./errors.js";
import { checkAddress } from "./address.js";
import { type LoadBalancingPolicy, namesSeveral, targetOf } from "./internal/load-balancing.js";
import { NEVER_RETRIED } from "./retry-policy.js";

/** TLS material for a custom CA and/or a client certificate (mTLS). PEM text or bytes. */
export interface TlsOptions {
  /** Root certificate(s) to trust instead of the system roots. */
  ca?: string | Uint8Array;
  /** Client certificate chain, for mTLS (needs `key`). */
  cert?: string | Uint8Array;
  /** Client private key, for mTLS (needs `cert`). */
  key?: string | Uint8Array;
  /** Name to verify the server certificate against (and send as SNI/authority) instead of the host of `address`. */
  serverName?: string;
}

/** Settings of the connection, credentials and call defaults, after resolution. */
export interface ClientSettings {
  address: string;
  loadBalancing: LoadBalancingPolicy | undefined;
  maxReconnectBackoffMs: number;
  useTls: boolean;
  tls: TlsOptions;
  defaultAuthority: string | undefined;
  jwtSecretKey: string | Uint8Array | undefined;
  jwtToken: string | undefined;
  jwtExpiresInSeconds: number;
  maxRetries: number;
  retryDelayMs: number;
  retryMaxDelayMs: number;
  retryableCodes: Status[];
  maxRetryAfterMs: number;
  invokeTimeoutMs: number;
  streamFirstChunkTimeoutMs: number;
  streamIdleTimeoutMs: number;
  keepaliveTimeMs: number;
  maxMessageBytes: number;
  requireFinishReason: boolean;
  httpFallbackUrl: string | undefined;
}

/** Options of the settings that can also come from the environment. */
export interface SettingsOptions {
  /**
   * `host:port` of the Model Manager, or several replicas: a list of
   * `ip:port` endpoints (a comma-separated string in the environment), or a
   * `dns:///host:port` name that resolves to each of them (any grpc-js target
   * works). Env `MODEL_MANAGER_SERVER_ADDRESS`.
   */
  address?: string | readonly string[];
  /**
   * How calls are spread when the address can name several servers (a list
   * or a `dns:` name): `round_robin` (default there, with outlier detection)
   * or `pick_first`. A single `host:port` uses one connection regardless.
   */
  loadBalancing?: LoadBalancingPolicy;
  /**
   * Longest wait between reconnection attempts to a server that went away,
   * ms: a replica that comes back receives calls again within it. Default 5000
   * when balancing over several servers (grpc-js's own grows to 120 s).
   */
  maxReconnectBackoffMs?: number;
  /** Shared HS256 secret; a JWT is signed per tenant. Env `MODEL_MANAGER_SERVER_JWT_SECRET_KEY`. */
  jwtSecretKey?: string | Uint8Array;
  /** A ready-made JWT sent as given (instead of a secret). Env `MODEL_MANAGER_SERVER_JWT_TOKEN`. */
  jwtToken?: string;
  /** Lifetime of signed tokens, seconds. Default 3600. */
  jwtExpiresInSeconds?: number;
  /** TLS on (default) or plaintext. Env `MODEL_MANAGER_SERVER_GRPC_USE_TLS`. */
  useTls?: boolean;
  /** Custom CA, client certificate and key, server name. Implies TLS. */
  tls?: TlsOptions;
  /**
   * `:authority` of every call and, over TLS, the name the server's certificate
   * is checked against (as grpcio's `grpc.default_authority`): for an address by
   * IP or load-balancer name whose certificate names the service.
   * `tls.serverName`, when set, wins for the certificate check.
   * Env `MODEL_MANAGER_SERVER_GRPC_DEFAULT_AUTHORITY`.
   */
  defaultAuthority?: string;
  /** Retries of a failed call (0 = none). Default 3. Env `MODEL_MANAGER_SERVER_GRPC_MAX_RETRIES`. */
  maxRetries?: number;
  /** Base backoff between retries, ms (doubles each retry, with jitter). Default 1000. Env `MODEL_MANAGER_SERVER_GRPC_RETRY_DELAY` (seconds). */
  retryDelayMs?: number;
  /** Longest backoff, ms. Default 60000. */
  retryMaxDelayMs?: number;
  /** gRPC codes that are retried. Default UNAVAILABLE and RESOURCE_EXHAUSTED. */
  retryableCodes?: Status[];
  /**
   * Longest server back-off hint (`retry-after-ms`, sent when a provider
   * answered 429 with Retry-After) the client waits for, ms; a longer one, or
   * one past the call's deadline, fails the attempt at once. Default 60000.
   */
  maxRetryAfterMs?: number;
  /** Deadline of `invoke` and `invokeBatch`, ms. Default 30000. Env `MODEL_MANAGER_SERVER_INVOKE_TIMEOUT` (seconds). */
  invokeTimeoutMs?: number;
  /** Longest wait for a stream's first chunk, ms. Default 120000. Env `MODEL_CLIENT_STREAM_CHUNK_TIMEOUT` (seconds). */
  streamFirstChunkTimeoutMs?: number;
  /** Longest wait between two chunks of a stream, ms. Default 120000. Env `MODEL_CLIENT_STREAM_CHUNK_TIMEOUT` (seconds). */
  streamIdleTimeoutMs?: number;
  /** HTTP/2 keepalive ping interval, ms. Default 300000 (Python gRPC servers refuse more frequent pings). */
  keepaliveTimeMs?: number;
  /** Largest message sent or received, bytes. Default 128 MiB (several base64 images). */
  maxMessageBytes?: number;
  /**
   * A text stream (chat, responses, messages, generation) that ends with
   * status OK but never carried a finish reason throws an
   * IncompleteAnswerError (a StreamInterruptedError after chunks): its end
   * was lost somewhere. Set false for a server that does not forward the
   * providers' finish reasons. Default true.
   */
  requireFinishReason?: boolean;
  /**
   * A Model Manager HTTP API tried after every other route, as the Python
   * SDK's `http_fallback_url`: the same as ending `fallbacks` with
   * `{ http: url }` (same triggers; `invokeBatch` takes no fallbacks). Env
   * `MODEL_CLIENT_HTTP_FALLBACK_URL`, used only when
   * `MODEL_CLIENT_RESILIENT_ENABLED` is true, as by the Python SDK.
   */
  httpFallbackUrl?: string;
  /** Environment to read instead of `process.env`. */
  env?: Record<string, string | undefined>;
  /** `.env` file to read (relative to the working directory), or `false` for none. Default `.env`. */
  envFile?: string | false;
}

// Every option above, so a misspelt or unknown one is an error, not silently ignored.
const SETTINGS_OPTION_KEYS = {
  address: true,
  loadBalancing: true,
  maxReconnectBackoffMs: true,
  jwtSecretKey: true,
  jwtToken: true,
  jwtExpiresInSeconds: true,
  useTls: true,
  httpFallbackUrl: true,
  tls: true,
  defaultAuthority: true,
  maxRetries: true,
  retryDelayMs: true,
  retryMaxDelayMs: true,
  retryableCodes: true,
  maxRetryAfterMs: true,
  invokeTimeoutMs: true,
  streamFirstChunkTimeoutMs: true,
  streamIdleTimeoutMs: true,
  keepaliveTimeMs: true,
  maxMessageBytes: true,
  requireFinishReason: true,
  env: true,
  envFile: true,
} as const satisfies Record<keyof SettingsOptions, true>;

const TLS_OPTION_KEYS = { ca: true, cert: true, key: true, serverName: true } as const satisfies Record<keyof TlsOptions, true>;

/**
 * Throws a ConfigurationError naming the first key of `options` that is not
 * in `known` (plain-JavaScript callers get no compile-time check).
 */
export function checkOptionKeys(options: object, known: Readonly<Record<string, true>>, where: string): void {
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(known, key)) {
      throw new ConfigurationError(`Unknown ${where} ${JSON.stringify(key)} (known: ${Object.keys(known).join(", ")})`);
    }
  }
}

/** The keys of {@link SettingsOptions}, for callers that take more options. */
export const settingsOptionKeys: Readonly<Record<keyof SettingsOptions, true>> = SETTINGS_OPTION_KEYS;

// Longest delay a Node.js timer holds: a longer one fires at once (after 1 ms).
const MAX_TIMER_MS = 2 ** 31 - 1;

function loadEnv(options: SettingsOptions): Record<string, string | undefined> {
  const env = options.env ?? process.env;
  if (options.envFile === false) return env;
  const path = options.envFile ?? ".env";
  try {
    // Only the default .env may be missing: a file named on purpose must exist.
    return withEnvFile(resolve(path), env, options.envFile === undefined);
  } catch (error) {
    throw new ConfigurationError(`Cannot read the env file ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Where the Python SDK's resilient mode reads its HTTP fallback, and whether it is on. */
export const HTTP_FALLBACK_URL_VARIABLE = "MODEL_CLIENT_HTTP_FALLBACK_URL";
export const RESILIENT_ENABLED_VARIABLE = "MODEL_CLIENT_RESILIENT_ENABLED";

interface NumberRule {
  integer?: boolean;
  min: number;
  max: number;
  /** Multiplier from the environment unit (seconds) to the option unit (ms). */
  envScale?: number;
}

/**
 * Resolves and checks every setting; a bad value is a ConfigurationError
 * naming its option or variable. `warn` receives settings that are valid but
 * partly ignored (both a JWT secret and a token).
 */
export function resolveSettings(options: SettingsOptions, warn: (message: string) => void = () => {}): ClientSettings {
  const env = loadEnv(options);
  const fromEnv = (name: string) => {
    const value = env[name]?.trim();
    return value === "" ? undefined : value;
  };

  function number(option: keyof SettingsOptions, variable: string | undefined, fallback: number, rule: NumberRule): number {
    const given = options[option];
    const raw = given ?? (variable ? fromEnv(variable) : undefined);
    if (raw === undefined) return fallback;
    const value = typeof raw === "string" ? Number(raw) * (rule.envScale ?? 1) : raw;
    if (
      typeof value !== "number" ||
      !Number.isFinite(value) ||
      value < rule.min ||
      value > rule.max ||
      (rule.integer && !Number.isInteger(value))
    ) {
      const fromOption = given !== undefined;
      const where = fromOption ? `option ${option}` : `environment variable ${variable}`;
      const kind = rule.integer ? "an integer" : "a number";
      // The environment is in its own unit (seconds): say the range in it.
      const scale = fromOption ? 1 : (rule.envScale ?? 1);
      throw new ConfigurationError(
        `Invalid ${where}: expected ${kind} from ${rule.min / scale} to ${rule.max / scale}, got ${JSON.stringify(raw)}`,
      );
    }
    return value;
  }

  function flag(option: "requireFinishReason", fallback: boolean): boolean {
    const given = options[option];
    if (given === undefined) return fallback;
    if (typeof given !== "boolean") throw new ConfigurationError(`Invalid option ${option}: expected true or false, got ${JSON.stringify(given)}`);
    return given;
  }

  // The Python SDK's resilient mode: its URL counts only when the mode is on.
  function httpFallbackUrl(): string | undefined {
    if (options.httpFallbackUrl !== undefined) {
      if (typeof options.httpFallbackUrl !== "string") throw new ConfigurationError(`Invalid option httpFallbackUrl: expected a URL, got ${JSON.stringify(options.httpFallbackUrl)}`);
      return options.httpFallbackUrl;
    }
    const url = fromEnv(HTTP_FALLBACK_URL_VARIABLE);
    const raw = fromEnv(RESILIENT_ENABLED_VARIABLE);
    const enabled = parseBooleanWord(raw);
    if (enabled === null) {
      throw new ConfigurationError(`Invalid environment variable ${RESILIENT_ENABLED_VARIABLE}: expected ${BOOLEAN_WORDS_HINT}, got "${raw}"`);
    }
    if (url !== undefined && enabled !== true) {
      warn(`${HTTP_FALLBACK_URL_VARIABLE} is ignored because ${RESILIENT_ENABLED_VARIABLE} is not true (as in the Python SDK)`);
      return undefined;
    }
    if (url === undefined && enabled === true) warn(`${RESILIENT_ENABLED_VARIABLE} is true but ${HTTP_FALLBACK_URL_VARIABLE} is not set: no HTTP fallback`);
    return enabled === true ? url : undefined;
  }

  if (options.tls !== undefined) checkOptionKeys(options.tls, TLS_OPTION_KEYS, "option tls.");
  const given = options.address ?? fromEnv("MODEL_MANAGER_SERVER_ADDRESS");
  if (!given) {
    throw new ConfigurationError(
      "No server address: pass the address option or set MODEL_MANAGER_SERVER_ADDRESS (e.g. 127.0.0.1:50051)",
    );
  }
  const addressSetting = options.address !== undefined ? "option address" : "environment variable MODEL_MANAGER_SERVER_ADDRESS";
  const address = targetOf(given, addressSetting);
  checkAddress(address, addressSetting);
  const policy = options.loadBalancing;
  if (policy !== undefined && policy !== "round_robin" && policy !== "pick_first") {
    throw new ConfigurationError(`Invalid option loadBalancing: expected "round_robin" or "pick_first", got ${JSON.stringify(policy)}`);
  }

  let useTls = options.useTls;
  if (useTls === undefined) {
    const raw = fromEnv("MODEL_MANAGER_SERVER_GRPC_USE_TLS");
    const word = parseBooleanWord(raw);
    if (word === null) {
      throw new ConfigurationError(
        `Invalid environment variable MODEL_MANAGER_SERVER_GRPC_USE_TLS: expected ${BOOLEAN_WORDS_HINT}, got "${raw}"`,
      );
    }
    useTls = word ?? true;
    if (options.tls !== undefined) useTls = true;
  }
  const tls = options.tls ?? {};
  if (!useTls && options.tls) throw new ConfigurationError("Options tls and useTls: false contradict each other");
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new ConfigurationError("Option tls needs both cert and key for a client certificate (mTLS), or neither");
  }

  const jwtSecretKey = options.jwtSecretKey ?? fromEnv("MODEL_MANAGER_SERVER_JWT_SECRET_KEY");
  let jwtToken = options.jwtToken ?? fromEnv("MODEL_MANAGER_SERVER_JWT_TOKEN");
  if (jwtSecretKey !== undefined && jwtToken !== undefined) {
    // The Python SDK signs with the secret when both are set; so does this client.
    const names = (given: boolean, option: string, variable: string) => (given ? `option ${option}` : variable);
    warn(
      `Both a JWT secret key (${names(options.jwtSecretKey !== undefined, "jwtSecretKey", "MODEL_MANAGER_SERVER_JWT_SECRET_KEY")}) and a JWT token (${names(options.jwtToken !== undefined, "jwtToken", "MODEL_MANAGER_SERVER_JWT_TOKEN")}) are set: the secret signs the tokens and the fixed token is ignored. Unset one of them.`,
    );
    jwtToken = undefined;
  }
  if (jwtSecretKey !== undefined && jwtSecretKey.length === 0) throw new ConfigurationError("Option jwtSecretKey is empty");
  if (jwtToken !== undefined && Buffer.byteLength(jwtToken) > MAX_METADATA_BYTES) {
    const where = options.jwtToken !== undefined ? "option jwtToken" : "MODEL_MANAGER_SERVER_JWT_TOKEN";
    throw new ConfigurationError(
      `Invalid ${where}: the token is ${Buffer.byteLength(jwtToken)} bytes; at most ${MAX_METADATA_BYTES} are sent, as gRPC servers refuse larger headers`,
    );
  }

  const retryableCodes = options.retryableCodes ?? [Status.UNAVAILABLE, Status.RESOURCE_EXHAUSTED];
  const refused = retryableCodes.filter((code) => NEVER_RETRIED.has(code));
  if (refused.length > 0) {
    throw new ConfigurationError(`Option retryableCodes: ${refused.map((code) => Status[code]).join(", ")} are never retried`);
  }

  const chunkTimeout = "MODEL_CLIENT_STREAM_CHUNK_TIMEOUT";
  const seconds = { min: 1, max: MAX_TIMER_MS, envScale: 1000 };
  return {
    address,
    loadBalancing: namesSeveral(address) ? (policy ?? "round_robin") : undefined,
    maxReconnectBackoffMs: number("maxReconnectBackoffMs", undefined, 5_000, { min: 100, max: MAX_TIMER_MS }),
    useTls,
    tls,
    defaultAuthority: options.defaultAuthority ?? fromEnv("MODEL_MANAGER_SERVER_GRPC_DEFAULT_AUTHORITY"),
    jwtSecretKey,
    jwtToken,
    jwtExpiresInSeconds: number("jwtExpiresInSeconds", undefined, 3600, { min: 120, max: 366 * 24 * 3600, integer: true }),
    maxRetries: number("maxRetries", "MODEL_MANAGER_SERVER_GRPC_MAX_RETRIES", 3, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true }),
    retryDelayMs: number("retryDelayMs", "MODEL_MANAGER_SERVER_GRPC_RETRY_DELAY", 1000, { min: 0, max: MAX_TIMER_MS, envScale: 1000 }),
    retryMaxDelayMs: number("retryMaxDelayMs", undefined, 60_000, { min: 0, max: MAX_TIMER_MS }),
    retryableCodes,
    maxRetryAfterMs: number("maxRetryAfterMs", undefined, 60_000, { min: 0, max: MAX_TIMER_MS }),
    invokeTimeoutMs: number("invokeTimeoutMs", "MODEL_MANAGER_SERVER_INVOKE_TIMEOUT", 30_000, seconds),
    streamFirstChunkTimeoutMs: number("streamFirstChunkTimeoutMs", chunkTimeout, 120_000, seconds),
    streamIdleTimeoutMs: number("streamIdleTimeoutMs", chunkTimeout, 120_000, seconds),
    keepaliveTimeMs: number("keepaliveTimeMs", undefined, 300_000, { min: 10_000, max: MAX_TIMER_MS }),
    maxMessageBytes: number("maxMessageBytes", undefined, 128 * 1024 * 1024, { min: 4 * 1024 * 1024, max: 2 ** 31 - 1, integer: true }),
    requireFinishReason: flag("requireFinishReason", true),
    httpFallbackUrl: httpFallbackUrl(),
  };
}
