import { ServerError } from "nice-grpc";
import { type Metadata, Status } from "nice-grpc-common";
import { encodeRetryStatus, RETRY_AFTER_TRAILER, STATUS_DETAILS_TRAILER } from "../../internal/retry-hint.js";
import { IncompleteAnswerError } from "../providers/incomplete-answer.js";
import { ProviderSetupError } from "../providers/provider-setup-error.js";

/** INVALID_ARGUMENT: the request itself is wrong; the message names the field. */
export function invalidArgument(message: string): ServerError {
  return new ServerError(Status.INVALID_ARGUMENT, message);
}

/** FAILED_PRECONDITION: the request is fine but this server is not set up for it. */
export function failedPrecondition(message: string): ServerError {
  return new ServerError(Status.FAILED_PRECONDITION, message);
}

/**
 * The gRPC status an error means at the service boundary: a ServerError as it
 * is, a provider's {@link ProviderSetupError} as FAILED_PRECONDITION, an
 * {@link IncompleteAnswerError} (the answer was cut short) as DATA_LOSS.
 * `undefined` for anything else (a provider failure, a bug).
 */
export function statusErrorOf(error: unknown): ServerError | undefined {
  if (error instanceof ServerError) return error;
  if (error instanceof ProviderSetupError) return failedPrecondition(error.message);
  if (error instanceof IncompleteAnswerError) return new ServerError(Status.DATA_LOSS, error.message);
  return undefined;
}

/** The in-band text of a request-level error, for batch items: `"INVALID_ARGUMENT: …"`. */
export function inBandText(error: ServerError): string {
  return `${Status[error.code]}: ${error.details}`;
}

/**
 * Puts a provider's back-off hint (beside its in-band error) in a call's
 * trailers, in both forms a client may read: `retry-after-ms`, and the
 * standard `google.rpc.Status` with a `RetryInfo` detail in
 * `grpc-status-details-bin`. The Status's code is the call's own, OK (the
 * error is in-band), as gRPC requires of that trailer and as grpcio's
 * `rpc_status.from_call` checks; its message is the provider's error.
 */
export function setRetryTrailers(trailer: Metadata, retryAfterMs: number, error: string): void {
  trailer.set(RETRY_AFTER_TRAILER, String(retryAfterMs));
  trailer.set(STATUS_DETAILS_TRAILER, encodeRetryStatus(Status.OK, error, retryAfterMs));
}
