import {
  type CallOptions,
  type ClientMiddleware,
  type ClientMiddlewareCall,
  ClientError,
  Status,
} from "nice-grpc-common";
import { extend } from "../internal/extend.js";
import { callAbortController, type CallControllerOptions } from "../internal/abort.js";
import { startNow } from "../internal/start-now.js";

/** Call options read by {@link streamTimeoutsMiddleware}. */
export interface StreamTimeoutOptions {
  /** Longest wait for the first message of a stream, ms. */
  firstChunkTimeoutMs?: number;
  /** Longest wait between two messages of a stream, ms. */
  idleTimeoutMs?: number;
}

/**
 * Bounds a server stream by the wait for its first message and the waits
 * between messages, instead of a whole-stream deadline that would kill long
 * generations. Time the consumer spends on a message does not count. On
 * expiry the call is cancelled and fails with DEADLINE_EXCEEDED.
 */
export const streamTimeoutsMiddleware: ClientMiddleware<StreamTimeoutOptions> = (call, options) =>
  startNow(() => {
    const { firstChunkTimeoutMs: first, idleTimeoutMs: idle, ...rest } = options;
    if (!call.responseStream || (first == null && idle == null) || options.signal?.aborted) return call.next(call.request, rest);
    return withStreamTimeouts(call, rest, first, idle);
  });

async function* withStreamTimeouts<Request, Response>(
  call: ClientMiddlewareCall<Request, Response>,
  rest: CallOptions & CallControllerOptions,
  first: number | undefined,
  idle: number | undefined,
) {
  const { controller, unlink } = callAbortController(rest);
  let received = 0;
  let consumerHasIt = false;
  let expired: string | undefined;
  const fire = () => {
    // Re-armed instead: the wait is the consumer's, not the server's.
    if (consumerHasIt) return timer?.refresh();
    expired = received === 0 ? `no first message within ${first} ms` : `no message for ${idle} ms`;
    controller.abort();
  };
  let timer = first == null ? undefined : setTimeout(fire, first);
  try {
    for await (const message of call.next(call.request, extend(rest, { signal: controller.signal }))) {
      if (++received === 1) {
        clearTimeout(timer);
        timer = idle == null ? undefined : setTimeout(fire, idle);
      }
      consumerHasIt = true;
      yield message;
      consumerHasIt = false;
      timer?.refresh();
    }
  } finally {
    clearTimeout(timer);
    unlink();
    if (expired !== undefined) {
      // eslint-disable-next-line no-unsafe-finally -- replaces the AbortError of the cancelled call
      throw new ClientError(call.method.path, Status.DEADLINE_EXCEEDED, `Stream timed out: ${expired}`);
    }
  }
}
