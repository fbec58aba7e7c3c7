import { type CallOptions, type ClientMiddleware, type ClientMiddlewareCall, ClientError, type Metadata, Status } from "nice-grpc-common";
import type { RetryOptions } from "nice-grpc-client-middleware-retry";
import type { ModelResponseItem } from "../../gen/model_service/model_service.js";
import { isAbortError } from "../../internal/abort-error.js";
import { extend } from "../internal/extend.js";
import { carriesContent } from "../internal/commit-point.js";
import { retryAfterMsOf } from "../internal/retry-after.js";
import { sleep } from "../internal/abort.js";
import type { DeadlineOptions } from "./deadline.js";
import { startNow } from "../internal/start-now.js";

/** Backoff before retry number `attempt + 1`: exponential, capped, with equal jitter (as nice-grpc's retry). */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  const backoff = Math.min(maxMs, 2 ** attempt * baseMs);
  return Math.round((backoff * (1 + Math.random())) / 2);
}

/** Call options read by {@link streamRetryMiddleware} besides nice-grpc's {@link RetryOptions}. */
export interface RetryAfterOptions {
  /**
   * Longest server back-off hint (`retry-after-ms` trailer) that is waited
   * for, ms; a longer one fails the call at once. Default 60000.
   */
  maxRetryAfterMs?: number;
}

const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

const isResponseItem = (message: unknown): message is ModelResponseItem =>
  typeof (message as ModelResponseItem | undefined)?.content === "string";

/**
 * Retries a server-streaming call (ModelService.Invoke, streamed or not)
 * that fails **before its first content** — text or a tool-call fragment —,
 * with the options of nice-grpc-client-middleware-retry (which never retries
 * streams). Frames before the content (metadata only) are held back and
 * dropped with a failed attempt, so the caller never sees two answers. Once
 * content has been delivered an error is passed on as it is.
 *
 * The delay is the server's back-off hint (`retry-after-ms` trailer) when it
 * sent one, else exponential backoff with jitter. A retry that would start
 * past the call's deadline, or a hint longer than `maxRetryAfterMs`, fails
 * the call at once. An in-band provider error (an answer whose `error` is
 * set) is retried only when the server sent a hint with it: that is the
 * server saying the same call will work later (a provider's 429 with
 * `Retry-After`). Must be installed outside nice-grpc's retry middleware,
 * which strips the retry options it reads.
 */
export const streamRetryMiddleware: ClientMiddleware<RetryOptions & RetryAfterOptions & DeadlineOptions> = (call, options) =>
  startNow(() => {
    if (call.responseStream && options.retry) return withStreamRetry(call, options);
    const { maxRetryAfterMs, ...rest } = options;
    return call.next(call.request, rest);
  });

async function* withStreamRetry<Request, Response>(
  call: ClientMiddlewareCall<Request, Response>,
  options: CallOptions & RetryOptions & RetryAfterOptions & DeadlineOptions,
) {
  const {
    retry,
    retryBaseDelayMs = 1000,
    retryMaxDelayMs = 30_000,
    retryMaxAttempts = 1,
    retryableStatuses = [Status.UNAVAILABLE, Status.RESOURCE_EXHAUSTED],
    onRetryableError,
    maxRetryAfterMs = DEFAULT_MAX_RETRY_AFTER_MS,
    ...rest
  } = options;
  const deadline = options.deadline instanceof Date ? options.deadline.getTime() : Infinity;
  // The wait before the next attempt, or undefined when there is none.
  const delayBefore = (attempt: number, hintMs: number | undefined): number | undefined => {
    if (attempt >= retryMaxAttempts) return undefined;
    if (hintMs !== undefined && hintMs > maxRetryAfterMs) return undefined;
    const delayMs = hintMs ?? backoffDelayMs(attempt, retryBaseDelayMs, retryMaxDelayMs);
    return Date.now() + delayMs >= deadline ? undefined : delayMs;
  };
  for (let attempt = 0; ; attempt++) {
    let trailer: Metadata | undefined;
    const attemptOptions = extend(rest, {
      onTrailer(metadata: Metadata) {
        trailer = metadata;
        rest.onTrailer?.(metadata);
      },
    });
    let committed = false;
    let failedInBand: ModelResponseItem | undefined;
    const held: Response[] = [];
    try {
      for await (const message of call.next(call.request, attemptOptions)) {
        if (committed) {
          yield message;
        } else if (failedInBand === undefined && isResponseItem(message) && message.error === "" && carriesContent(message)) {
          committed = true;
          yield* held.splice(0);
          yield message;
        } else {
          // Read on past an in-band error: its hint comes in the trailers.
          if (failedInBand === undefined && isResponseItem(message) && message.error !== "") failedInBand = message;
          held.push(message);
        }
      }
    } catch (error) {
      if (committed || isAbortError(error) || !(error instanceof ClientError) || !retryableStatuses.includes(error.code)) throw error;
      const delayMs = delayBefore(attempt, retryAfterMsOf(trailer));
      if (delayMs === undefined) throw error;
      onRetryableError?.(error, attempt, delayMs);
      await sleep(delayMs, options.signal);
      continue;
    }
    if (failedInBand !== undefined && !committed) {
      const hintMs = retryAfterMsOf(trailer);
      const delayMs = hintMs === undefined ? undefined : delayBefore(attempt, hintMs);
      if (delayMs !== undefined) {
        onRetryableError?.(new ClientError(call.method.path, Status.RESOURCE_EXHAUSTED, failedInBand.error), attempt, delayMs);
        await sleep(delayMs, options.signal);
        continue;
      }
    }
    yield* held;
    return;
  }
}
