import { type ClientMiddleware } from "nice-grpc-common";
import { type RetryOptions, retryMiddleware } from "nice-grpc-client-middleware-retry";
import { startNow } from "../internal/start-now.js";

/**
 * nice-grpc's retry middleware for unary calls. It never retries a stream
 * (streamRetryMiddleware does), yet as a generator layer every stream message
 * would pass through it: streams skip it, with its options removed as it
 * would remove them.
 */
export const unaryRetryMiddleware: ClientMiddleware<RetryOptions> = (call, options) =>
  startNow(() => {
    if (!call.responseStream && !call.requestStream) return retryMiddleware(call, options);
    const { retry, retryBaseDelayMs, retryMaxDelayMs, retryMaxAttempts, retryableStatuses, onRetryableError, ...rest } = options;
    return call.next(call.request, rest);
  });
