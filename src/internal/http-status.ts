/**
 * gRPC status codes and HTTP statuses, both ways, for the Model Manager's
 * HTTP API: the server answers a status with the HTTP status Google's APIs
 * use for it (google/rpc/code.proto), the client reads one back. An error
 * body names the gRPC status itself (`error.status`), so the table is needed
 * only for bodies that do not (a proxy's 502, an older server).
 */
import { Status } from "nice-grpc-common";

const HTTP_OF_STATUS: Readonly<Record<number, number>> = {
  [Status.OK]: 200,
  [Status.CANCELLED]: 499,
  [Status.UNKNOWN]: 500,
  [Status.INVALID_ARGUMENT]: 400,
  [Status.DEADLINE_EXCEEDED]: 504,
  [Status.NOT_FOUND]: 404,
  [Status.ALREADY_EXISTS]: 409,
  [Status.PERMISSION_DENIED]: 403,
  [Status.RESOURCE_EXHAUSTED]: 429,
  [Status.FAILED_PRECONDITION]: 400,
  [Status.ABORTED]: 409,
  [Status.OUT_OF_RANGE]: 400,
  [Status.UNIMPLEMENTED]: 501,
  [Status.INTERNAL]: 500,
  [Status.UNAVAILABLE]: 503,
  [Status.DATA_LOSS]: 500,
  [Status.UNAUTHENTICATED]: 401,
};

/** The HTTP status of a gRPC status code. */
export function httpStatusOf(code: Status): number {
  return HTTP_OF_STATUS[code] ?? 500;
}

/** The gRPC status an HTTP error status means when the body does not say. */
export function grpcStatusOfHttp(httpStatus: number): Status {
  switch (httpStatus) {
    case 400:
    case 422:
      return Status.INVALID_ARGUMENT;
    case 413:
      return Status.RESOURCE_EXHAUSTED;
    case 401:
      return Status.UNAUTHENTICATED;
    case 403:
      return Status.PERMISSION_DENIED;
    case 404:
      return Status.NOT_FOUND;
    case 405:
    case 501:
      return Status.UNIMPLEMENTED;
    case 408:
    case 504:
      return Status.DEADLINE_EXCEEDED;
    case 409:
      return Status.ABORTED;
    case 429:
      return Status.RESOURCE_EXHAUSTED;
    case 499:
      return Status.CANCELLED;
    case 502:
    case 503:
      return Status.UNAVAILABLE;
    default:
      return httpStatus >= 500 ? Status.INTERNAL : Status.UNKNOWN;
  }
}

/** The gRPC status named `name` (`"INVALID_ARGUMENT"`), or undefined. */
export function grpcStatusNamed(name: unknown): Status | undefined {
  if (typeof name !== "string" || !Object.hasOwn(Status, name)) return undefined;
  const code = (Status as unknown as Record<string, unknown>)[name];
  return typeof code === "number" ? (code as Status) : undefined;
}
