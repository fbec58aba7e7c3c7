import { type Channel, type ChannelOptions, type Client, type ClientMiddleware, createClientFactory } from "nice-grpc";
import type { RetryOptions } from "nice-grpc-client-middleware-retry";
import { ModelServiceDefinition } from "../gen/model_service/model_service.js";
import { serverOf } from "./address.js";
import { createGrpcChannel, hostOf } from "./internal/grpc-channel.js";
import { checkOptionKeys, type ClientSettings, resolveSettings, type SettingsOptions, settingsOptionKeys } from "./config.js";
import type { ClientTelemetry } from "./internal/telemetry/call-telemetry.js";
import { createClientTelemetry } from "./internal/telemetry/client-telemetry.js";
import { ClientClosedError } from "./errors.js";
import { type DeadlineOptions, deadlineMiddleware } from "./middleware/deadline.js";
import { createAttemptMetadataMiddleware } from "./middleware/attempt-metadata.js";
import { type ConnectionFacts, createConnectionErrorsMiddleware } from "./middleware/connection-errors.js";
import { createAuthorization, type JwtCallOptions } from "./middleware/jwt.js";
import { createLoggingMiddleware, type Logger } from "./middleware/logging.js";
import { type RequestIdOptions, requestIdOptionMiddleware } from "./middleware/request-id.js";
import { streamRetryMiddleware } from "./middleware/stream-retry.js";
import { type StreamTimeoutOptions, streamTimeoutsMiddleware } from "./middleware/stream-timeouts.js";
import { unaryRetryMiddleware } from "./middleware/unary-retry.js";
import type { TelemetryOptions } from "./telemetry-options.js";

/** Options of {@link createModelClient}. Unset settings come from the environment, then from `.env`. */
export interface ModelClientOptions extends SettingsOptions {
  /** Receives structured call events (pino-compatible); silent when absent. */
  logger?: Logger;
  /**
   * Your own nice-grpc client middlewares, first = outermost. They run inside
   * the client's own ones, once per attempt, with `x-request-id`,
   * `grpc-timeout` and `authorization` already in the metadata.
   */
  middlewares?: ClientMiddleware<any, any>[];
  /** Extra grpc-js channel options; they win over the client's defaults. */
  channelOptions?: ChannelOptions;
  /** OpenTelemetry traces and metrics (on whenever an SDK is registered); see {@link TelemetryOptions}. */
  telemetry?: TelemetryOptions;
}

/** Call options understood by the client's middleware chain. */
export type ModelCallOptions = RequestIdOptions & DeadlineOptions & StreamTimeoutOptions & RetryOptions & JwtCallOptions;

/** The settings a client runs with (credentials left out). */
export type ModelClientSettings = Readonly<Omit<ClientSettings, "jwtSecretKey" | "jwtToken" | "tls">>;

/**
 * A connection to a Model Manager: one lazily connected grpc-js channel and
 * the middleware chain. Pass it to `invoke`, `invokeStream`, `invokeBatch`.
 */
export interface ModelClient extends AsyncDisposable {
  /** The grpc-js channel (connects on the first call). */
  readonly channel: Channel;
  /** The nice-grpc ModelService client with the client's middlewares, for raw wire-level calls. */
  readonly service: Client<typeof ModelServiceDefinition, ModelCallOptions>;
  /** Resolved settings. */
  readonly settings: ModelClientSettings;
  /** True once `close()` was called. */
  readonly closed: boolean;
  /**
   * Closes the channel. Calls in flight end with a ClientClosedError, later
   * calls fail with one at once. Idempotent.
   */
  close(): Promise<void>;
}

const CLIENT_OPTION_KEYS: Readonly<Record<keyof ModelClientOptions, true>> = {
  ...settingsOptionKeys,
  logger: true,
  middlewares: true,
  channelOptions: true,
  telemetry: true,
};

function connectionFacts(settings: ClientSettings): ConnectionFacts {
  const { serverName } = settings.tls;
  const certificateName = serverName
    ? { name: serverName, setting: "option tls.serverName" }
    : settings.defaultAuthority
      ? { name: hostOf(settings.defaultAuthority), setting: "MODEL_MANAGER_SERVER_GRPC_DEFAULT_AUTHORITY (option defaultAuthority)" }
      : undefined;
  return { address: settings.address, useTls: settings.useTls, server: serverOf(settings.address), certificateName };
}

/** Per-client state the call functions share; not part of the public surface. */
export interface ClientState {
  readonly inFlight: Set<AbortController>;
  readonly unaryOptions: ModelCallOptions;
  readonly streamOptions: ModelCallOptions;
  readonly invokeTimeoutMs: number;
  /** Undefined when `@opentelemetry/api` is absent or telemetry is disabled. */
  readonly telemetry: ClientTelemetry | undefined;
  closed: boolean;
}

const states = new WeakMap<ModelClient, ClientState>();

/** The state of a client made by {@link createModelClient}. */
export function clientState(client: ModelClient): ClientState {
  const state = states.get(client);
  if (!state) throw new TypeError("Not a client made by createModelClient");
  return state;
}

/**
 * Creates a client. Options win over environment variables, which win over
 * a `.env` file in the working directory. Invalid settings throw a
 * ConfigurationError naming the option or variable. Nothing connects until
 * the first call.
 */
export function createModelClient(options: ModelClientOptions = {}): ModelClient {
  checkOptionKeys(options, CLIENT_OPTION_KEYS, "option");
  const { logger } = options;
  const settings = resolveSettings(options, (message) => {
    if (logger) logger.warn({ event: "config.warning" }, message);
    else process.emitWarning(message, { code: "TAMAR_MODEL_CLIENT_CONFIG" });
  });
  const channel = createGrpcChannel(settings, options.channelOptions);

  // Outermost first. The request id is fixed before the retries so that every
  // attempt carries it; the deadline sits outside them so it bounds retries and
  // backoff; the typing of errors a retry cannot fix (connection settings, size
  // limits), the headers (request id, grpc-timeout, token) and the user's
  // middlewares run per attempt.
  const chain: ClientMiddleware<any, any>[] = [
    requestIdOptionMiddleware,
    ...(options.logger ? [createLoggingMiddleware(options.logger)] : []),
    deadlineMiddleware,
    streamTimeoutsMiddleware,
    streamRetryMiddleware,
    unaryRetryMiddleware,
    createConnectionErrorsMiddleware(connectionFacts(settings)),
    createAttemptMetadataMiddleware(
      createAuthorization({
        secretKey: settings.jwtSecretKey,
        token: settings.jwtToken,
        expiresInSeconds: settings.jwtExpiresInSeconds,
      }),
    ),
    ...(options.middlewares ?? []),
  ];
  let factory = createClientFactory();
  for (const middleware of chain.reverse()) factory = factory.use(middleware) as typeof factory;
  const service = factory.create(ModelServiceDefinition, channel) as Client<typeof ModelServiceDefinition, ModelCallOptions>;

  const retry: RetryOptions = {
    retry: settings.maxRetries > 0,
    retryMaxAttempts: settings.maxRetries,
    retryBaseDelayMs: settings.retryDelayMs,
    retryMaxDelayMs: settings.retryMaxDelayMs,
    retryableStatuses: settings.retryableCodes,
  };
  const state: ClientState = {
    inFlight: new Set(),
    unaryOptions: retry,
    streamOptions: {
      ...retry,
      firstChunkTimeoutMs: settings.streamFirstChunkTimeoutMs,
      idleTimeoutMs: settings.streamIdleTimeoutMs,
    },
    invokeTimeoutMs: settings.invokeTimeoutMs,
    telemetry: createClientTelemetry(settings.address, options.telemetry),
    closed: false,
  };
  const { jwtSecretKey, jwtToken, tls, ...publicSettings } = settings;

  async function close(): Promise<void> {
    if (state.closed) return;
    state.closed = true;
    const reason = new ClientClosedError("The client was closed while the call was in flight");
    for (const controller of state.inFlight) controller.abort(reason);
    channel.close();
  }

  const client: ModelClient = {
    channel,
    service,
    settings: Object.freeze(publicSettings),
    get closed() {
      return state.closed;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  states.set(client, state);
  return client;
}
