// What every Invoke of the client's own chain needs, in one layer: the
// deadline, the stream timeouts, the fallback routes, the retries before the
// commit point, the connection diagnosis and the headers of each attempt —
// the behaviour of deadlineMiddleware, streamTimeoutsMiddleware, the fallback
// middleware, streamRetryMiddleware, the connection-errors and
// attempt-metadata middlewares stacked in that order, over grpc-js directly
// (grpc-invoke.ts). A stream message passes one iterator here instead of a
// generator per middleware. Used when the client has no middlewares of the user's
// (those keep nice-grpc's chain, see model-client.ts).
import type { Channel, ClientMiddleware, ClientMiddlewareCall } from "nice-grpc";
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
import { attemptMetadata, createInvokeTransport, INVOKE_PATH, type ReadWaiter, type ResponseReader } from "./grpc-invoke.js";
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

/**
 * The answers of the layer's own calls, which can also be polled as the
 * response reader is: no promise per answer between the layer and its reader.
 */
export interface PolledAnswers extends AsyncIterableIterator<ModelResponseItem> {
  /** As ResponseReader's `poll`. */
  poll(waiter: ReadWaiter): IteratorResult<ModelResponseItem, undefined> | undefined;
}

/** True for the answers of the fused layer (not of nice-grpc's chain). */
export function isPolled(answers: AsyncIterator<ModelResponseItem>): answers is PolledAnswers {
  return answers instanceof Attempts;
}

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
      ? new Attempts(layer, item, options, new CallBounds(options, false), true)
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

const DONE: IteratorResult<ModelResponseItem, undefined> = Object.freeze({ done: true, value: undefined });

// Where the attempts of a route are.
const OPEN = 0; // the next attempt is to be started
const WAIT = 1; // waiting on something asynchronous (a retry decision, a backoff)
const READ = 2; // reading the attempt's answers
const FLUSH = 3; // delivering the frames held back, then reading on
const FLUSH_LAST = 4; // delivering the frames held back, then done
const OVER = 5;
// No error: the call ended well.
const NONE: unique symbol = Symbol("none");

/**
 * The attempts of one route: each sends the item with the call's headers and
 * grpc-js's deadline; one that fails before the stream's first content (or
 * with an in-band error the server sent a back-off hint with) is retried as
 * streamRetryMiddleware retries it, frames before the content held back.
 * `outermost`: the layer's own iterator, which delivers to the consumer and
 * ends the bounds.
 *
 * What an async generator with a loop per attempt would do, as an iterator
 * read with for-await (next, and return on `break`): with thousands of
 * streams open, each holds its iterator while it waits for the server, and
 * these fields are far less than a generator's frame with its request queue
 * and the promise of each `await`.
 */
class Attempts implements PolledAnswers, ReadWaiter {
  readonly #layer: Layer;
  readonly #item: ModelRequestItem;
  readonly #options: Options;
  readonly #bounds: CallBounds;
  readonly #outermost: boolean;
  readonly #timed: boolean;
  #state = OPEN;
  #attempt = 0;
  #reader: ResponseReader | undefined = undefined;
  // Without retries nothing is held back (as without streamRetryMiddleware).
  #committed = false;
  #failedInBand: ModelResponseItem | undefined = undefined;
  #held: ModelResponseItem[] | undefined = undefined;
  #flushed = 0;
  // A message is with the consumer: the stream timeouts wait for its next call.
  #delivered = false;
  // What the call failed with, until the consumer is told.
  #error: unknown = NONE;
  // Who waits for the next message: a poller, or a pending next().
  #waiter: ReadWaiter | undefined = undefined;
  #resolve: ((result: IteratorResult<ModelResponseItem, undefined>) => void) | undefined = undefined;
  #reject: ((error: unknown) => void) | undefined = undefined;

  constructor(layer: Layer, item: ModelRequestItem, options: Options, bounds: CallBounds, outermost: boolean) {
    this.#layer = layer;
    this.#item = item;
    this.#options = options;
    this.#bounds = bounds;
    this.#outermost = outermost;
    this.#timed = outermost && bounds.timed;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ModelResponseItem, undefined>> {
    let result;
    try {
      result = this.#poll();
    } catch (error) {
      return Promise.reject(error);
    }
    if (result !== undefined) return Promise.resolve(result);
    return new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  poll(waiter: ReadWaiter): IteratorResult<ModelResponseItem, undefined> | undefined {
    this.#waiter = undefined;
    const result = this.#poll();
    if (result === undefined) this.#waiter = waiter;
    return result;
  }

  #poll(): IteratorResult<ModelResponseItem, undefined> | undefined {
    if (this.#state === OVER && this.#error === NONE) return DONE;
    if (this.#delivered) {
      this.#delivered = false;
      if (this.#timed) this.#bounds.delivered();
    }
    return this.#step();
  }

  /** The consumer stops reading (`break`): the attempt is cancelled, the bounds end (and throw the deadline's error if it passed). */
  return(): Promise<IteratorResult<ModelResponseItem, undefined>> {
    if (this.#state === OVER) return Promise.resolve(DONE);
    this.#delivered = false;
    this.#finish(NONE);
    const pending = this.#resolve;
    this.#resolve = this.#reject = undefined;
    // Only for-await calls it, never while a next() is pending; if one were, it ends too.
    pending?.(DONE);
    const error = this.#error;
    if (error === NONE) return Promise.resolve(DONE);
    this.#error = NONE;
    return Promise.reject(error);
  }

  /** The reader has something: go on where the consumer's pending `next()` waits. */
  readable(): void {
    this.#resume();
  }

  #resume(): void {
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      return waiter.readable();
    }
    const resolve = this.#resolve;
    if (resolve === undefined) return;
    const reject = this.#reject!;
    let result;
    try {
      result = this.#step();
    } catch (error) {
      this.#resolve = this.#reject = undefined;
      return reject(error);
    }
    if (result === undefined) return;
    this.#resolve = this.#reject = undefined;
    resolve(result);
  }

  // Runs on until the next message for the consumer, the end (DONE; throws the
  // call's error) or a wait (undefined: `#resume` goes on).
  #step(): IteratorResult<ModelResponseItem, undefined> | undefined {
    try {
      return this.#run();
    } catch (error) {
      if (this.#state === OVER) throw error;
      // Thrown by a callback of the call's (onRetryableError): the call ends with it, as a generator would.
      this.#finish(error);
      return this.#run();
    }
  }

  #run(): IteratorResult<ModelResponseItem, undefined> | undefined {
    for (;;) {
      switch (this.#state) {
        case OPEN: {
          this.#committed = !this.#options.retry;
          try {
            this.#reader = openAttempt(this.#layer, this.#item, this.#options, this.#bounds);
          } catch (error) {
            this.#failed(error);
            continue;
          }
          this.#state = READ;
          continue;
        }
        case READ: {
          let result;
          try {
            result = this.#reader!.poll(this);
          } catch (error) {
            this.#failed(error);
            continue;
          }
          if (result === undefined) return undefined;
          if (result.done) {
            this.#attemptEnded();
            continue;
          }
          const message = result.value;
          if (!this.#committed) {
            if (this.#failedInBand !== undefined || message.error !== "" || !carriesContent(message)) {
              // Read on past an in-band error: its hint comes in the trailers.
              if (this.#failedInBand === undefined && message.error !== "") this.#failedInBand = message;
              (this.#held ??= []).push(message);
              continue;
            }
            this.#committed = true;
            if (this.#held !== undefined) {
              this.#held.push(message);
              this.#state = FLUSH;
              continue;
            }
          }
          return this.#deliver(message);
        }
        case FLUSH:
        case FLUSH_LAST: {
          const held = this.#held!;
          if (this.#flushed < held.length) return this.#deliver(held[this.#flushed++]!);
          this.#held = undefined;
          this.#flushed = 0;
          if (this.#state === FLUSH) this.#state = READ;
          else this.#finish(NONE);
          continue;
        }
        case WAIT:
          return undefined;
        default: {
          const error = this.#error;
          if (error === NONE) return DONE;
          this.#error = NONE;
          throw error;
        }
      }
    }
  }

  #deliver(message: ModelResponseItem): IteratorResult<ModelResponseItem, undefined> {
    if (this.#timed) this.#bounds.delivering();
    this.#delivered = true;
    return { done: false, value: message };
  }

  // The attempt failed: the wait before the next one, or the call's error.
  #failed(error: unknown): void {
    this.#state = WAIT;
    retryDelayAfter(error, this.#layer.settings, this.#options, this.#bounds, this.#attempt, this.#reader, this.#committed).then(
      (delayMs) => {
        if (this.#state === OVER) return;
        this.#retryAfter(delayMs);
      },
      (failure: unknown) => {
        if (this.#state === OVER) return;
        this.#finish(failure);
        this.#resume();
      },
    );
  }

  // The attempt's answers ended (or its failure was not retried): retry after an in-band error with a hint, else deliver what was held back.
  #attemptEnded(): void {
    const delayMs =
      this.#failedInBand !== undefined && !this.#committed ? inBandRetryDelay(this.#options, this.#bounds, this.#attempt, this.#reader!, this.#failedInBand) : undefined;
    if (delayMs !== undefined) this.#retryAfter(delayMs);
    else if (this.#held !== undefined) this.#state = FLUSH_LAST;
    else this.#finish(NONE);
  }

  #retryAfter(delayMs: number): void {
    this.#state = WAIT;
    sleep(delayMs, this.#options.callCancellation.signal).then(
      () => {
        if (this.#state === OVER) return;
        this.#reader?.close();
        this.#reader = undefined;
        this.#failedInBand = undefined;
        this.#held = undefined;
        this.#attempt++;
        this.#state = OPEN;
        this.#resume();
      },
      (error: unknown) => {
        if (this.#state === OVER) return;
        this.#finish(error);
        this.#resume();
      },
    );
  }

  // The call is over on this route: the attempt let go of, the bounds ended
  // (their error replaces any other); `error` (NONE when it ended well) is
  // what the consumer is told next.
  #finish(error: unknown): void {
    this.#state = OVER;
    this.#reader?.close();
    this.#reader = undefined;
    this.#held = undefined;
    if (this.#outermost) {
      try {
        this.#bounds.end();
      } catch (boundsError) {
        error = boundsError;
      }
    }
    this.#error = error;
  }
}

/** Starts an attempt with the call's headers and grpc-js's deadline. */
function openAttempt({ open, settings }: Layer, item: ModelRequestItem, options: Options, bounds: CallBounds): ResponseReader {
  if (bounds.at !== undefined && bounds.at - Date.now() <= 0) {
    throw new ClientError(INVOKE_PATH, Status.DEADLINE_EXCEEDED, "Deadline exceeded before the attempt started");
  }
  const header = settings.authorization(item, options);
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

/** An Invoke as a nice-grpc middleware sees it, whose `next` is `next`. */
function middlewareCall(
  item: ModelRequestItem,
  next: (item: ModelRequestItem, options: CallOptions) => AsyncIterable<ModelResponseItem>,
): ClientMiddlewareCall<ModelRequestItem, ModelResponseItem> {
  return { method: INVOKE_METHOD, requestStream: false, responseStream: true, request: item, next } as unknown as ClientMiddlewareCall<ModelRequestItem, ModelResponseItem>;
}

/**
 * `invoke` with `middleware` around each call, as nice-grpc's chain would
 * run it there: for the client's own middlewares that observe whole calls
 * (the logger), without leaving the layer.
 */
export function withCallMiddleware(invoke: InvokeCall, middleware: ClientMiddleware<any, any>): InvokeCall {
  return (item, options) => middleware(middlewareCall(item, (inner, innerOptions) => invoke(inner, innerOptions as Options)), options);
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
    const call = middlewareCall(item, (routeItem, routeOptions) => new Attempts(layer, routeItem, routeOptions as Options, bounds, false));
    for await (const message of withFallback(layer.settings.fallback, call, inner)) {
      if (bounds.timed) bounds.delivering();
      yield message;
      if (bounds.timed) bounds.delivered();
    }
  } finally {
    bounds.end();
  }
}
