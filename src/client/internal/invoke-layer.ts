// What every Invoke of the client's own chain needs, in one layer: the
// deadline, the stream timeouts, the fallback routes, the retries before the
// commit point, the connection diagnosis and the headers of each attempt —
// the behaviour of deadlineMiddleware, streamTimeoutsMiddleware, the fallback
// middleware, streamRetryMiddleware, the connection-errors and
// attempt-metadata middlewares stacked in that order, over grpc-js directly
// (grpc-invoke.ts). A stream message passes one generator here instead of
// one per middleware. Used when the client has no middlewares of the user's
// (those keep nice-grpc's chain, see model-client.ts).
import type { Channel, ClientMiddlewareCall } from "nice-grpc";
import { type CallOptions, ClientError, Status } from "nice-grpc-common";
import type { ModelRequestItem, ModelResponseItem } from "../../gen/model_service/model_service.js";
import { isAbortError } from "../../internal/abort-error.js";
import { type ConnectionFacts, settingErrorOf } from "../middleware/connection-errors.js";
import type { Authorization, JwtCallOptions } from "../middleware/jwt.js";
import { backoffDelayMs } from "../middleware/stream-retry.js";
import type { ModelCallOptions } from "../model-call-options.js";
import { abortError, sleep } from "./abort.js";
import type { CallCancellation } from "./call-cancellation.js";
import { carriesContent } from "./commit-point.js";
import { extend } from "./extend.js";
import { type FallbackMiddlewareSettings, withFallback } from "./fallback-middleware.js";
import { attemptMetadata, createInvokeTransport, INVOKE_PATH, type ResponseReader } from "./grpc-invoke.js";
import { retryAfterMsOf } from "./retry-after.js";
import { callTelemetryOf, traceHeadersOf } from "./telemetry/call-telemetry.js";

/** What the layer of a client is made with. */
export interface InvokeLayerSettings {
  readonly channel: Channel;
  /** The `authorization` of an attempt. */
  readonly authorization: (request: unknown, options: CallOptions & JwtCallOptions) => Authorization;
  readonly connection: ConnectionFacts;
  readonly fallback: FallbackMiddlewareSettings;
}

type Options = CallOptions & ModelCallOptions & { callCancellation: CallCancellation };

/** Runs one Invoke with the call's options; yields its answers. */
export type InvokeCall = (item: ModelRequestItem, options: Options) => AsyncIterable<ModelResponseItem>;

interface Layer {
  readonly open: ReturnType<typeof createInvokeTransport>;
  readonly settings: InvokeLayerSettings;
}

const DEFAULT_RETRYABLE = [Status.UNAVAILABLE, Status.RESOURCE_EXHAUSTED];
const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;
// grpc-js ends the call at the deadline by its own timer; a DEADLINE_EXCEEDED
// this close to it is the call's deadline.
const DEADLINE_SLACK_MS = 5;
const INVOKE_METHOD = { path: INVOKE_PATH, requestStream: false, responseStream: true, options: {} } as const;

/** The Invoke of a client's own chain over `settings.channel`. */
export function createInvokeLayer(settings: InvokeLayerSettings): InvokeCall {
  const layer: Layer = { open: createInvokeTransport(settings.channel), settings };
  return (item, options) =>
    settings.fallback.breakers === undefined && !options.fallbackItems?.length
      ? attempts(layer, item, options, new CallBounds(options, false), true)
      : routed(layer, item, options);
}

/**
 * The call's deadline and stream timeouts. The deadline is grpc-js's own on
 * each attempt; only a call with fallback routes (one may go over HTTP) also
 * arms a timer that cancels the call, as deadlineMiddleware does. The
 * stream timeouts cancel the call, as streamTimeoutsMiddleware does.
 */
class CallBounds {
  /** When the call must be over, ms since the epoch. */
  readonly at: number | undefined;
  /** Set when an attempt ended because the deadline passed. */
  deadlinePassed = false;
  readonly timed: boolean;
  readonly #cancellation: CallCancellation;
  #deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #first: number | undefined;
  readonly #idle: number | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #received = 0;
  #consumerHasIt = false;
  #expired: string | undefined;

  constructor(options: Options, deadlineTimer: boolean) {
    const cancellation = options.callCancellation;
    const aborted = cancellation.aborted;
    this.#cancellation = cancellation;
    const { deadline, firstChunkTimeoutMs: first, idleTimeoutMs: idle } = options;
    this.at = deadline == null || aborted ? undefined : deadline instanceof Date ? deadline.getTime() : Date.now() + deadline;
    this.timed = !aborted && (first != null || idle != null);
    this.#first = first;
    this.#idle = idle;
    if (deadlineTimer && this.at !== undefined) {
      this.#deadlineTimer = setTimeout(() => {
        this.deadlinePassed = true;
        cancellation.abort();
      }, this.at - Date.now());
    }
    if (this.timed && first != null) this.#timer = setTimeout(fire, first, this);
  }

  /** A stream timeout's timer fired. */
  fire(): void {
    // Re-armed instead: the wait is the consumer's, not the server's.
    if (this.#consumerHasIt) return void this.#timer?.refresh();
    this.#expired = this.#received === 0 ? `no first message within ${this.#first} ms` : `no message for ${this.#idle} ms`;
    this.#cancellation.abort();
  }

  /** A message goes to the consumer (call only when `timed`). */
  delivering(): void {
    if (++this.#received === 1) {
      clearTimeout(this.#timer);
      this.#timer = this.#idle == null ? undefined : setTimeout(fire, this.#idle, this);
    }
    this.#consumerHasIt = true;
  }

  /** The consumer asks for the next message (call only when `timed`). */
  delivered(): void {
    this.#consumerHasIt = false;
    this.#timer?.refresh();
  }

  /** Ends the bounds; throws the deadline's or a stream timeout's error when one ended the call. */
  end(): void {
    clearTimeout(this.#timer);
    clearTimeout(this.#deadlineTimer);
    // As deadlineMiddleware's timer: a call still being read when its deadline
    // passed fails, even if the server had already sent all of it.
    if (this.at !== undefined && Date.now() >= this.at) this.deadlinePassed = true;
    if (this.deadlinePassed) throw new ClientError(INVOKE_PATH, Status.DEADLINE_EXCEEDED, `Deadline exceeded (${new Date(this.at!).toISOString()})`);
    if (this.#expired !== undefined) throw new ClientError(INVOKE_PATH, Status.DEADLINE_EXCEEDED, `Stream timed out: ${this.#expired}`);
  }
}

// One function for every call's timers, not a closure per call.
const fire = (bounds: CallBounds) => bounds.fire();

/**
 * The attempts of one route: each sends the item with the call's headers and
 * grpc-js's deadline; one that fails before the stream's first content (or
 * with an in-band error the server sent a back-off hint with) is retried as
 * streamRetryMiddleware retries it, frames before the content held back.
 * `outermost`: the layer's own generator, which delivers to the consumer and
 * ends the bounds.
 */
async function* attempts(
  layer: Layer,
  item: ModelRequestItem,
  options: Options,
  bounds: CallBounds,
  outermost: boolean,
): AsyncGenerator<ModelResponseItem, void, undefined> {
  // Kept small: with thousands of streams open, each holds this generator's
  // frame, so what is not per message lives in the functions below.
  const timed = outermost && bounds.timed;
  try {
    for (let attempt = 0; ; attempt++) {
      let reader: ResponseReader | undefined;
      // Without retries nothing is held back (as without streamRetryMiddleware).
      let committed = !options.retry;
      let failedInBand: ModelResponseItem | undefined;
      let held: ModelResponseItem[] | undefined;
      try {
        let delayMs: number | undefined;
        try {
          const opened = openAttempt(layer, item, options, bounds);
          reader = opened instanceof Promise ? await opened : opened;
          for (;;) {
            const result = await reader.next();
            if (result.done) break;
            const message = result.value;
            if (!committed) {
              if (failedInBand !== undefined || message.error !== "" || !carriesContent(message)) {
                // Read on past an in-band error: its hint comes in the trailers.
                if (failedInBand === undefined && message.error !== "") failedInBand = message;
                (held ??= []).push(message);
                continue;
              }
              committed = true;
              if (held !== undefined) {
                const earlier = held;
                held = undefined;
                for (let index = 0; index < earlier.length; index++) {
                  if (timed) bounds.delivering();
                  yield earlier[index]!;
                  if (timed) bounds.delivered();
                }
              }
            }
            if (timed) bounds.delivering();
            yield message;
            if (timed) bounds.delivered();
          }
        } catch (error) {
          delayMs = await retryDelayAfter(error, layer.settings, options, bounds, attempt, reader, committed);
        }
        if (delayMs === undefined && failedInBand !== undefined && !committed) delayMs = inBandRetryDelay(options, bounds, attempt, reader!, failedInBand);
        if (delayMs !== undefined) {
          await sleep(delayMs, options.callCancellation.signal);
          continue;
        }
        if (held !== undefined) {
          for (let index = 0; index < held.length; index++) {
            if (timed) bounds.delivering();
            yield held[index]!;
            if (timed) bounds.delivered();
          }
        }
        return;
      } finally {
        reader?.close();
      }
    }
  } finally {
    if (outermost) bounds.end();
  }
}

/** Starts an attempt with the call's headers (once its token is signed) and grpc-js's deadline. */
function openAttempt({ open, settings }: Layer, item: ModelRequestItem, options: Options, bounds: CallBounds): ResponseReader | Promise<ResponseReader> {
  if (bounds.at !== undefined && bounds.at - Date.now() <= 0) {
    throw new ClientError(INVOKE_PATH, Status.DEADLINE_EXCEEDED, "Deadline exceeded before the attempt started");
  }
  const header = settings.authorization(item, options);
  // No closure when the token is at hand: grpc-js keeps the caller's stack
  // (its frames' functions) with every call, so a per-call closure on it
  // stays on the heap for as long as the stream is open.
  return header instanceof Promise ? header.then((signed) => startAttempt(open, item, options, bounds, signed)) : startAttempt(open, item, options, bounds, header);
}

function startAttempt(open: Layer["open"], item: ModelRequestItem, options: Options, bounds: CallBounds, header: string | undefined): ResponseReader {
  const metadata = attemptMetadata(options.metadata, traceHeadersOf(options), options.requestId, header);
  return open({ item, metadata, deadline: bounds.at, cancellation: options.callCancellation });
}

/** The wait before the next attempt, or undefined when there is none (as streamRetryMiddleware decides it). */
function delayBefore(options: Options, bounds: CallBounds, attempt: number, hintMs: number | undefined): number | undefined {
  if (attempt >= (options.retryMaxAttempts ?? 1)) return undefined;
  if (hintMs !== undefined && hintMs > (options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS)) return undefined;
  const delayMs = hintMs ?? backoffDelayMs(attempt, options.retryBaseDelayMs ?? 1000, options.retryMaxDelayMs ?? 30_000);
  return Date.now() + delayMs >= (bounds.at ?? Infinity) ? undefined : delayMs;
}

/**
 * After an attempt failed: the wait before the next one. Throws what the
 * call fails with when there is none — the deadline (as an AbortError the
 * bounds turn into its error), a setting's error (connection diagnosis), or
 * the attempt's own.
 */
async function retryDelayAfter(
  error: unknown,
  settings: InvokeLayerSettings,
  options: Options,
  bounds: CallBounds,
  attempt: number,
  reader: ResponseReader | undefined,
  committed: boolean,
): Promise<number> {
  if (error instanceof ClientError && error.code === Status.DEADLINE_EXCEEDED && Date.now() >= (bounds.at ?? Infinity) - DEADLINE_SLACK_MS) {
    // The call's deadline, not this attempt's failure: nothing retries or falls back from it.
    bounds.deadlinePassed = true;
    const aborted = abortError();
    aborted.cause = error;
    throw aborted;
  }
  const failure = await settingErrorOf(error, settings.connection, options.requestId, options.callCancellation.signal);
  const retryable = options.retryableStatuses ?? DEFAULT_RETRYABLE;
  if (committed || isAbortError(failure) || !(failure instanceof ClientError) || !retryable.includes(failure.code)) throw failure;
  const delayMs = delayBefore(options, bounds, attempt, retryAfterMsOf(reader?.trailer()));
  if (delayMs === undefined) throw failure;
  retrying(options, failure, delayMs, attempt);
  return delayMs;
}

/** The wait before retrying an attempt that answered with an in-band error and no content: only with the server's back-off hint. */
function inBandRetryDelay(options: Options, bounds: CallBounds, attempt: number, reader: ResponseReader, failedInBand: ModelResponseItem): number | undefined {
  const hintMs = retryAfterMsOf(reader.trailer());
  const delayMs = hintMs === undefined ? undefined : delayBefore(options, bounds, attempt, hintMs);
  if (delayMs !== undefined) retrying(options, new ClientError(INVOKE_PATH, Status.RESOURCE_EXHAUSTED, failedInBand.error), delayMs, attempt);
  return delayMs;
}

/** An attempt is retried after `delayMs`: what the retry middlewares report (the call's telemetry attaches no callback here). */
function retrying(options: Options, error: ClientError, delayMs: number, attempt: number): void {
  options.onRetryableError?.(error, attempt, delayMs);
  callTelemetryOf(options)?.attempt({ kind: "retry", error, delayMs });
}

/** A call with fallback routes or circuit breakers: the fallback middleware's routes, each route's attempts as above. */
async function* routed(layer: Layer, item: ModelRequestItem, options: Options): AsyncGenerator<ModelResponseItem, void, undefined> {
  const bounds = new CallBounds(options, true);
  try {
    // The fallback middleware reads the deadline as a Date, as deadlineMiddleware passes it
    // on, and sends HTTP routes with the call's signal.
    const signal = options.callCancellation.signal;
    const inner = bounds.at === undefined ? extend(options, { signal }) : extend(options, { deadline: new Date(bounds.at), signal });
    const call = {
      method: INVOKE_METHOD,
      requestStream: false,
      responseStream: true,
      request: item,
      next: (routeItem: ModelRequestItem, routeOptions: Options) => attempts(layer, routeItem, routeOptions, bounds, false),
    } as unknown as ClientMiddlewareCall<ModelRequestItem, ModelResponseItem>;
    for await (const message of withFallback(layer.settings.fallback, call, inner)) {
      if (bounds.timed) bounds.delivering();
      yield message;
      if (bounds.timed) bounds.delivered();
    }
  } finally {
    bounds.end();
  }
}
