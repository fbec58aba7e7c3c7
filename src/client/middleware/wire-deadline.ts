import { type ClientMiddleware, ClientError, Metadata, Status } from "nice-grpc-common";
import { extend } from "../internal/extend.js";
import type { DeadlineOptions } from "./deadline.js";
import { startNow } from "../internal/start-now.js";

/**
 * The `grpc-timeout` header value for `ms` milliseconds: at most 8 digits,
 * in the finest unit that fits (gRPC over HTTP/2 spec).
 */
export function grpcTimeout(ms: number): string {
  const millis = Math.max(1, Math.ceil(ms));
  if (millis < 1e8) return `${millis}m`;
  const seconds = Math.ceil(millis / 1000);
  if (seconds < 1e8) return `${seconds}S`;
  return `${Math.min(99_999_999, Math.ceil(seconds / 3600))}H`;
}

/**
 * The `grpc-timeout` of an attempt of `method` starting now: the time left
 * until `deadline`, or undefined without one. Throws DEADLINE_EXCEEDED when
 * none is left.
 */
export function attemptTimeout(method: string, deadline: Date | number | undefined): string | undefined {
  if (deadline == null) return undefined;
  const remaining = deadline instanceof Date ? deadline.getTime() - Date.now() : deadline;
  if (remaining <= 0) throw new ClientError(method, Status.DEADLINE_EXCEEDED, "Deadline exceeded before the attempt started");
  return grpcTimeout(remaining);
}

/**
 * Puts the call's remaining time on the wire as `grpc-timeout`, freshly for
 * each attempt, so the server gets a deadline and can stop upstream work
 * when the caller gives up. nice-grpc itself never sends one (its deadline
 * middleware is a client-side timer only); grpc-js sends the header as given.
 */
export const wireDeadlineMiddleware: ClientMiddleware<DeadlineOptions> = (call, options) =>
  startNow(() => {
    const timeout = attemptTimeout(call.method.path, options.deadline);
    if (timeout === undefined) return call.next(call.request, options);
    return call.next(call.request, extend(options, { metadata: Metadata(options.metadata).set("grpc-timeout", timeout) }));
  });
