// How one call is cancelled — by close(), the caller's signal, the deadline
// or a stream timeout — without an AbortController per call on the client's
// own path: the running attempt registers how to cancel itself, and an
// AbortSignal is made only for the code that needs one (a retry's backoff,
// an HTTP route, nice-grpc's chain).

/** The cancellation of one call. */
export class CallCancellation {
  aborted = false;
  /** Why it was cancelled (the ClientClosedError of close(), the caller's signal's reason, or an AbortError). */
  reason: unknown = undefined;
  /** The attempt in flight, set by the transport while one runs: cancelled with the call. */
  attempt: { cancel(): void } | undefined = undefined;
  #controller: AbortController | undefined = undefined;

  /** Cancels the call. Idempotent. */
  abort(reason: unknown = new DOMException("This operation was aborted", "AbortError")): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.#controller?.abort(reason);
    this.attempt?.cancel();
  }

  /** An AbortController that aborts with the call, made on first use. */
  get controller(): AbortController {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.aborted) this.#controller.abort(this.reason);
    }
    return this.#controller;
  }

  /** An AbortSignal that aborts with the call, made on first use. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }
}

const nothingToUnlink = () => {};

/** Cancels `call` when `parent` aborts; the returned function stops listening. */
export function linkCancellation(parent: AbortSignal | undefined, call: CallCancellation): () => void {
  if (!parent) return nothingToUnlink;
  const onAbort = () => call.abort(parent.reason);
  if (parent.aborted) {
    onAbort();
    return nothingToUnlink;
  }
  parent.addEventListener("abort", onAbort, { once: true });
  return () => parent.removeEventListener("abort", onAbort);
}
