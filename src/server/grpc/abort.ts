import { isAbortError } from "../../internal/abort-error.js";

/** The error to rethrow once `signal` has aborted, whatever the aborted library threw. */
export function abortErrorOf(signal: AbortSignal): unknown {
  return isAbortError(signal.reason) ? signal.reason : new DOMException("The operation was aborted", "AbortError");
}
