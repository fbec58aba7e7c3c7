// The server's back-off hint. The reference server (and any Model Manager
// that forwards a provider's `Retry-After`) sends it as a `retry-after-ms`
// trailer, on an error status or beside an in-band provider error.
import type { Metadata } from "nice-grpc-common";

/** Trailer that carries the server's back-off hint, in milliseconds. */
export const RETRY_AFTER_TRAILER = "retry-after-ms";

/** The hint of a call's trailers, ms; undefined when absent or not a non-negative number. */
export function retryAfterMsOf(trailer: Metadata | undefined): number | undefined {
  const raw = trailer?.get(RETRY_AFTER_TRAILER);
  if (raw === undefined || !/^\d+(\.\d+)?$/.test(raw.trim())) return undefined;
  return Math.ceil(Number(raw));
}
