import { type Channel, type ChannelOptions, type Client, type ClientMiddleware, createClientFactory } from "nice-grpc";
import type { ModelServiceDefinition } from "../gen/model_service/model_service.js";
import { serverOf } from "./address.js";
import { createGrpcChannel, hostOf } from "./internal/grpc-channel.js";
import { checkOptionKeys, type ClientSettings, HTTP_FALLBACK_URL_VARIABLE, resolveSettings, type SettingsOptions, settingsOptionKeys } from "./config.js";
import { bindClientState, type ClientState } from "./internal/client-state.js";
import { createClientTelemetry } from "./internal/telemetry/client-telemetry.js";
import { ClientClosedError, ConfigurationError, ValidationError } from "./errors.js";
import { checkFallbackOn, checkFallbacks, DEFAULT_FALLBACK_ON, type FallbackPatch } from "./fallback.js";
import type { ModelCallOptions } from "./model-call-options.js";
import type { ProviderErrorKind } from "./provider-error-kind.js";
import {
  type CircuitBreakerOptions,
  CircuitBreakers,
  type CircuitTransition,
  checkCircuitBreakerOptions,
  type RouteCircuit,
} from "./internal/circuit-breakers.js";
import { type AttemptEvent, createFallbackMiddleware } from "./internal/fallback-middleware.js";
import { createInvokeLayer, type InvokeCall, withCallMiddleware } from "./internal/invoke-layer.js";
import { clientServiceDefinition } from "./internal/client-service-definition.js";
import { retryCallOptions } from "./retry-policy.js";
import { deadlineMiddleware } from "./middleware/deadline.js";
import { createAttemptMetadataMiddleware } from "./middleware/attempt-metadata.js";
import { type ConnectionFacts, createConnectionErrorsMiddleware } from "./middleware/connection-errors.js";
import { createAuthorization } from "./middleware/jwt.js";
import { createLoggingMiddleware, type Logger } from "./middleware/logging.js";
import { requestIdOptionMiddleware } from "./middleware/request-id.js";
import { streamRetryMiddleware } from "./middleware/stream-retry.js";
import { streamTimeoutsMiddleware } from "./middleware/stream-timeouts.js";
import { unaryRetryMiddleware } from "./middleware/unary-retry.js";
import type { TelemetryOptions } from "./telemetry-options.js";

/** Options of {@link createModelClient}. Unset settings come from the environment, then from `.env`. */
export interface ModelClientOptions extends SettingsOptions {
  /** Receives structured call events (pino-compatible); silent when absent. */
  logger?: Logger;
  /**
   * Your own nice-grpc client middlewares around each attempt, first =
   * outermost. They run inside the client's own ones, once per attempt (each
   * retry, each fallback route), with `x-request-id`, `grpc-timeout` and
   * `authorization` already in the metadata.
   */
  middlewares?: ClientMiddleware<any, any>[];
  /**
   * Your own nice-grpc client middlewares around the whole call, first =
   * outermost: once per call, outside the deadline, the retries and the
   * fallbacks (they see the request as given and the final outcome). The
   * `requestId` call option is already set.
   */
  callMiddlewares?: ClientMiddleware<any, any>[];
  /**
   * Fallback routes of every `invoke` / `invokeStream` (a call's own
   * `fallbacks` option replaces them): patches of the request, tried in
   * order when it fails with a retryable status after its retries, with a
   * provider error of a kind in `fallbackOn`, or when its route's circuit
   * breaker is open. Checked here; each patched request is validated in full
   * at each call.
   */
  fallbacks?: readonly FallbackPatch[];
  /** Provider error kinds that move a call on to its next route. Default: all but `other`. */
  fallbackOn?: readonly ProviderErrorKind[];
  /**
   * Circuit breakers per route (server address × provider × model): `true`
   * for the defaults, or their settings. Off by default.
   */
  circuitBreaker?: boolean | CircuitBreakerOptions;
  /** Called after each attempt on a route (after its retries): which route, how it ended, whether the call falls back. */
  onAttempt?: (event: AttemptEvent) => void;
  /** Extra grpc-js channel options; they win over the client's defaults. */
  channelOptions?: ChannelOptions;
  /** OpenTelemetry traces and metrics (on whenever an SDK is registered); see {@link TelemetryOptions}. */
  telemetry?: TelemetryOptions;
}

export type { ModelCallOptions } from "./model-call-options.js";

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
  /** The state of each route's circuit breaker seen so far (none when the client has no breakers). */
  circuitStates(): RouteCircuit[];
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
  callMiddlewares: true,
  fallbacks: true,
  fallbackOn: true,
  circuitBreaker: true,
  onAttempt: true,
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
  const fallbacks = [
    ...asConfiguration(() => checkFallbacks(options.fallbacks ?? [], "fallbacks")),
    ...(settings.httpFallbackUrl === undefined ? [] : [httpFallback(settings.httpFallbackUrl, options.httpFallbackUrl !== undefined)]),
  ];
  const fallbackOn = asConfiguration(() => checkFallbackOn(options.fallbackOn ?? DEFAULT_FALLBACK_ON, "fallbackOn"));
  const breakerOptions = options.circuitBreaker === true ? {} : options.circuitBreaker || undefined;
  const breakers =
    breakerOptions === undefined
      ? undefined
      : new CircuitBreakers(checkCircuitBreakerOptions(breakerOptions), (event) => logTransition(logger, event));
  const onAttempt = (event: AttemptEvent) => {
    if (event.fallingBack && logger) {
      logger.warn(
        {
          event: "request.fallback",
          requestId: event.requestId,
          route: event.route,
          outcome: event.outcome,
          code: event.error?.name,
          error: event.error?.message,
        },
        "route failed, trying the next one",
      );
    }
    options.onAttempt?.(event);
  };
  const channel = createGrpcChannel(settings, options.channelOptions);
  const authorization = createAuthorization({
    secretKey: settings.jwtSecretKey,
    token: settings.jwtToken,
    expiresInSeconds: settings.jwtExpiresInSeconds,
  });

  // Outermost first. The request id is fixed before the retries so that every
  // attempt carries it; the user's call middlewares see the whole call; the
  // deadline sits outside the fallbacks and retries so it bounds them and
  // their backoff; fallback routes are tried around the retries of each
  // route; the headers (request id, grpc-timeout, token) and the user's
  // attempt middlewares run per attempt.
  const fallbackSettings = { address: settings.address, breakers, onAttempt, authorization, maxMessageBytes: settings.maxMessageBytes };
  const connection = connectionFacts(settings);
  // One logging middleware for the chain (batches, task status) and around the fused layer (invoke).
  const logging = logger ? createLoggingMiddleware(logger) : undefined;
  const chain: ClientMiddleware<any, any>[] = [
    requestIdOptionMiddleware,
    ...(logging ? [logging] : []),
    ...(options.callMiddlewares ?? []),
    deadlineMiddleware,
    streamTimeoutsMiddleware,
    createFallbackMiddleware(fallbackSettings),
    streamRetryMiddleware,
    unaryRetryMiddleware,
    createConnectionErrorsMiddleware(connection),
    createAttemptMetadataMiddleware(authorization),
    ...(options.middlewares ?? []),
  ];
  let factory = createClientFactory();
  for (const middleware of chain.reverse()) factory = factory.use(middleware) as typeof factory;
  const service = factory.create(clientServiceDefinition, channel) as Client<typeof ModelServiceDefinition, ModelCallOptions>;
  // invoke and invokeStream go through the built-in layers fused into one
  // (invoke-layer.ts), the logger around it, unless the chain holds
  // middlewares of the user's, which keep nice-grpc's middleware contract
  // around each call.
  const ownChainOnly = !options.callMiddlewares?.length && !options.middlewares?.length;
  let invokeCall: InvokeCall = (item, callOptions) => service.invoke(item, callOptions);
  if (ownChainOnly) {
    invokeCall = createInvokeLayer({ channel, authorization, connection, fallback: fallbackSettings });
    if (logging) invokeCall = withCallMiddleware(invokeCall, logging);
  }

  const retry = retryCallOptions({
    maxRetries: settings.maxRetries,
    delayMs: settings.retryDelayMs,
    maxDelayMs: settings.retryMaxDelayMs,
    retryableCodes: settings.retryableCodes,
    maxRetryAfterMs: settings.maxRetryAfterMs,
  });
  const state: ClientState = {
    inFlight: new Set(),
    invoke: invokeCall,
    fusedInvoke: ownChainOnly,
    unaryOptions: retry,
    streamOptions: {
      ...retry,
      firstChunkTimeoutMs: settings.streamFirstChunkTimeoutMs,
      idleTimeoutMs: settings.streamIdleTimeoutMs,
    },
    invokeTimeoutMs: settings.invokeTimeoutMs,
    address: settings.address,
    fallbacks,
    fallbackOn,
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
    circuitStates: () => breakers?.states() ?? [],
    [Symbol.asyncDispose]: close,
  };
  bindClientState(client, state);
  return client;
}

// The HTTP fallback setting is a last route like any other, checked as one,
// its errors naming the setting it came from.
function httpFallback(url: string, fromOption: boolean): FallbackPatch {
  try {
    return checkFallbacks([{ http: url }], "fallbacks")[0]!;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const where = fromOption ? "option httpFallbackUrl" : `environment variable ${HTTP_FALLBACK_URL_VARIABLE}`;
    throw new ConfigurationError(`Invalid ${where}: ${error.issues.map((issue) => issue.message).join("; ")}, got ${JSON.stringify(url)}`);
  }
}

// A bad client option is a configuration error, whatever checked it.
function asConfiguration<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof ValidationError) throw new ConfigurationError(`Invalid client options: ${error.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`);
    throw error;
  }
}

function logTransition(logger: Logger | undefined, { route, from, to, probeAt, reason }: CircuitTransition): void {
  if (!logger) return;
  const fields = { event: `circuit.${to.replace("-", "_")}`, address: route.address, provider: route.provider, model: route.model, from, probeAt, reason };
  if (to === "open") logger.warn(fields, "circuit breaker opened");
  else logger.info(fields, `circuit breaker ${to}`);
}
