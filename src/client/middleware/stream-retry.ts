import { type CallOptions, type ClientMiddleware, type ClientMiddlewareCall, ClientError, Status } from "nice-grpc-common";
import type { RetryOptions } from "nice-grpc-client-middleware-retry";
import { isAbortError } from "../../internal/abort-error.js";
import { sleep } from "../internal/abort.js";
import type { DeadlineOptions } from "./deadline.js";
import { startNow } from "../internal/start-now.js";

/** Backoff before retry number `attempt + 1`: exponential, capped, with equal jitter (as nice-grpc's retry). */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  const backoff = Math.min(maxMs, 2 ** attempt * baseMs);
  return Math.round((backoff * (1 + Math.random())) / 2);
}

/**
 * Retries a server-streaming call that fails **before its first message**,
 * with the options of nice-grpc-client-middleware-retry (which never retries
 * streams). Once a message has been delivered an error is passed on as it
 * is: starting again would deliver text twice. A retry whose backoff would
 * end past the call's deadline is not attempted. Must be installed outside
 * nice-grpc's retry middleware, which strips the retry options it reads.
 */
export const streamRetryMiddleware: ClientMiddleware<RetryOptions & DeadlineOptions> = (call, options) =>
  startNow(() => (!call.responseStream || !options.retry ? call.next(call.request, options) : withStreamRetry(call, options)));

async function* withStreamRetry<Request, Response>(
  call: ClientMiddlewareCall<Request, Response>,
  options: CallOptions & RetryOptions & DeadlineOptions,
) {
  const {
    retry,
    retryBaseDelayMs = 1000,
    retryMaxDelayMs = 30_000,
    retryMaxAttempts = 1,
    retryableStatuses = [Status.UNAVAILABLE, Status.RESOURCE_EXHAUSTED],
    onRetryableError,
    ...rest
  } = options;
  const deadline = options.deadline instanceof Date ? options.deadline.getTime() : Infinity;
  for (let attempt = 0; ; attempt++) {
    let delivered = false;
    try {
      for await (const message of call.next(call.request, rest)) {
        delivered = true;
        yield message;
      }
      return;
    } catch (error) {
      if (
        delivered ||
        isAbortError(error) ||
        attempt >= retryMaxAttempts ||
        !(error instanceof ClientError) ||
        !retryableStatuses.includes(error.code)
      ) {
        throw error;
      }
      const delayMs = backoffDelayMs(attempt, retryBaseDelayMs, retryMaxDelayMs);
      if (Date.now() + delayMs >= deadline) throw error;
      onRetryableError?.(error, attempt, delayMs);
      await sleep(delayMs, options.signal);
    }
  }
}
