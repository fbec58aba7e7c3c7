import { type CallOptions, type ClientMiddleware, Metadata } from "nice-grpc-common";
import { extend } from "../internal/extend.js";
import type { DeadlineOptions } from "./deadline.js";
import { type Authorization, type JwtCallOptions, sendAuthorized } from "./jwt.js";
import type { RequestIdOptions } from "./request-id.js";
import { startNow } from "../internal/start-now.js";
import { attemptTimeout } from "./wire-deadline.js";

/**
 * The client's own headers of each attempt, in one pass: `x-request-id`
 * (the `requestId` option, fixed outside the retries by
 * requestIdOptionMiddleware), `grpc-timeout` (the attempt's remaining time, as
 * wireDeadlineMiddleware) and `authorization` (as the JWT middleware, from
 * `authorizationOf`). The same headers as those three middlewares stacked,
 * with one metadata copy, one options copy and one middleware layer instead
 * of three each: every call pays for each.
 */
export function createAttemptMetadataMiddleware(
  authorizationOf: (request: unknown, options: CallOptions & JwtCallOptions) => Authorization,
): ClientMiddleware<RequestIdOptions & DeadlineOptions & JwtCallOptions> {
  return (call, options) =>
    startNow(() => {
      const { userContext, ...rest } = options;
      const metadata = Metadata(options.metadata);
      if (options.requestId !== undefined) metadata.set("x-request-id", options.requestId);
      const timeout = attemptTimeout(call.method.path, options.deadline);
      if (timeout !== undefined) metadata.set("grpc-timeout", timeout);
      return sendAuthorized(call, extend(rest, { metadata }), metadata, authorizationOf(call.request, options));
    });
}
