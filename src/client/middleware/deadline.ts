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

/** Call options read by {@link deadlineMiddleware}. */
export interface DeadlineOptions {
  /** When the call must be over: a Date, or milliseconds from now. */
  deadline?: Date | number;
}

/**
 * Cancels the call when its deadline passes and fails it with
 * DEADLINE_EXCEEDED — retries and backoff sleeps included, since it sits
 * outside the retry middlewares. Passes the deadline on as a `Date` so that
 * the remaining time of each attempt can go on the wire as `grpc-timeout`
 * (wireDeadlineMiddleware does so; the client's own chain does it with its
 * other per-attempt headers).
 */
export const deadlineMiddleware: ClientMiddleware<DeadlineOptions> = (call, options) =>
  startNow(() =>
    options.deadline == null || options.signal?.aborted ? call.next(call.request, options) : withDeadline(call, options, options.deadline),
  );

async function* withDeadline<Request, Response>(
  call: ClientMiddlewareCall<Request, Response>,
  options: CallOptions & DeadlineOptions & CallControllerOptions,
  deadline: Date | number,
) {
  const at = deadline instanceof Date ? deadline : new Date(Date.now() + deadline);
  const { controller, unlink } = callAbortController(options);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, at.getTime() - Date.now());
  try {
    const inner = extend(options, { deadline: at, signal: controller.signal });
    return yield* call.next(call.request, inner);
  } finally {
    clearTimeout(timer);
    unlink();
    if (timedOut) {
      // eslint-disable-next-line no-unsafe-finally -- replaces the AbortError of the cancelled attempt
      throw new ClientError(call.method.path, Status.DEADLINE_EXCEEDED, `Deadline exceeded (${at.toISOString()})`);
    }
  }
}
