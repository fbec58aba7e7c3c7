/** True for the error an aborted operation throws (DOMException or nice-grpc's AbortError). */
export function isAbortError(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}

/** The error to rethrow once `signal` has aborted, whatever the aborted library threw. */
export function abortErrorOf(signal: AbortSignal): unknown {
  return isAbortError(signal.reason) ? signal.reason : new DOMException("The operation was aborted", "AbortError");
}
