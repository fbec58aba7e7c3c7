// The server's back-off hint, in either of its two forms: the standard
// `google.rpc.RetryInfo` inside the `grpc-status-details-bin` trailer (what
// grpcio servers and Google's APIs send), or this project's `retry-after-ms`
// trailer (what a Model Manager that forwards a provider's `Retry-After`
// sends, on an error status or beside an in-band provider error). The
// reference server sends both; when both are there RetryInfo wins, being the
// standard one.
import type { Metadata } from "nice-grpc-common";
import { RETRY_AFTER_TRAILER, retryDelayMsOfStatus, STATUS_DETAILS_TRAILER } from "../../internal/retry-hint.js";

/** The hint of a call's trailers, ms; undefined when absent or unreadable. */
export function retryAfterMsOf(trailer: Metadata | undefined): number | undefined {
  const details = trailer?.get(STATUS_DETAILS_TRAILER);
  const standard = details instanceof Uint8Array ? retryDelayMsOfStatus(details) : undefined;
  if (standard !== undefined) return standard;
  const raw = trailer?.get(RETRY_AFTER_TRAILER);
  if (raw === undefined || !/^\d+(\.\d+)?$/.test(raw.trim())) return undefined;
  return Math.ceil(Number(raw));
}
