import { ServerError } from "nice-grpc";
import { Status } from "nice-grpc-common";

/** INVALID_ARGUMENT: the request itself is wrong; the message names the field. */
export function invalidArgument(message: string): ServerError {
  return new ServerError(Status.INVALID_ARGUMENT, message);
}

/** FAILED_PRECONDITION: the request is fine but this server is not set up for it. */
export function failedPrecondition(message: string): ServerError {
  return new ServerError(Status.FAILED_PRECONDITION, message);
}

/** The in-band text of a request-level error, for batch items: `"INVALID_ARGUMENT: …"`. */
export function inBandText(error: ServerError): string {
  return `${Status[error.code]}: ${error.details}`;
}
