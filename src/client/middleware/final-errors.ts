import { ClientError, type ClientMiddleware } from "nice-grpc-common";
import { messageTooLarge } from "../errors.js";
import type { RequestIdOptions } from "./request-id.js";

/**
 * Per attempt, inside the retry middlewares: a failure that the same call
 * would meet again (a message over a size limit, whose status code
 * RESOURCE_EXHAUSTED is otherwise a retryable rate limit) leaves the attempt
 * as its typed error, which no retry middleware retries (they retry
 * ClientErrors only).
 */
export const finalErrorsMiddleware: ClientMiddleware<RequestIdOptions> = async function* finalErrors(call, options) {
  try {
    return yield* call.next(call.request, options);
  } catch (error) {
    throw (error instanceof ClientError && messageTooLarge(error.code, error.details, options.requestId, error)) || error;
  }
};
