/** The error of an aborted operation, as nice-grpc and the SDK throw it. */
export function abortError(): Error {
  const error = new Error("The operation has been aborted");
  error.name = "AbortError";
  return error;
}

/** Waits `ms`, or rejects with an AbortError as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

const nothingToUnlink = () => {};

/**
 * Links a new AbortController to `parent`: it aborts when the parent does.
 * `unlink` removes the listener once the call is over.
 */
export function linkedController(parent: AbortSignal | undefined): { controller: AbortController; unlink: () => void } {
  const controller = new AbortController();
  if (!parent) return { controller, unlink: nothingToUnlink };
  const onAbort = () => controller.abort(parent.reason);
  if (parent.aborted) onAbort();
  else parent.addEventListener("abort", onAbort, { once: true });
  return { controller, unlink: () => parent.removeEventListener("abort", onAbort) };
}

/** Call options that may carry the call's own controller. */
export interface CallControllerOptions {
  signal?: AbortSignal | undefined;
  /**
   * The AbortController whose signal is this call's `signal`, passed by the
   * SDK's call functions so a deadline or stream timeout can cancel the whole
   * call without linking one more controller. Ignored when its signal is not
   * the call's (a middleware replaced the signal).
   */
  callAbortController?: AbortController | undefined;
}

/**
 * A controller whose abort cancels the call: the call's own when it has one
 * and its signal is still the call's, else a new one linked to the call's
 * signal. A deadline or stream timeout cancels the whole call either way;
 * the call's own spares an AbortController and a listener per call.
 */
export function callAbortController(options: CallControllerOptions): { controller: AbortController; unlink: () => void } {
  const own = options.callAbortController;
  if (own !== undefined && own.signal === options.signal) return { controller: own, unlink: nothingToUnlink };
  return linkedController(options.signal);
}
