import { randomUUID } from "node:crypto";
import { type CallOptions, type ClientMiddleware, Metadata } from "nice-grpc-common";
import { extend } from "../internal/extend.js";
import { startNow } from "../internal/start-now.js";

/** Call options read by {@link requestIdMiddleware}. */
export interface RequestIdOptions {
  /** The call's request id; a random UUID when absent. */
  requestId?: string;
}

/** The call's request id: the `requestId` option, else an `x-request-id` already in the metadata, else a random UUID. */
export const requestIdOf = (options: CallOptions & RequestIdOptions): string =>
  options.requestId ?? options.metadata?.get("x-request-id") ?? randomUUID();

/**
 * Sends `x-request-id`: the caller's `requestId`, else one already in the
 * metadata, else a random UUID. Installed outside the retry middlewares, so
 * every attempt of one call carries the same id. Passes the id on as the
 * `requestId` option for the middlewares inside it.
 */
export const requestIdMiddleware: ClientMiddleware<RequestIdOptions> = (call, options) =>
  startNow(() => {
    const requestId = requestIdOf(options);
    const metadata = Metadata(options.metadata).set("x-request-id", requestId);
    return call.next(call.request, extend(options, { metadata, requestId }));
  });

/**
 * Fixes the call's request id (as {@link requestIdMiddleware} chooses it)
 * as the `requestId` option only, for a chain that writes the header per
 * attempt itself (the client's attempt-metadata middleware). Costs nothing
 * when the option is set, as the call functions always do.
 */
export const requestIdOptionMiddleware: ClientMiddleware<RequestIdOptions> = (call, options) =>
  startNow(() =>
    call.next(call.request, options.requestId !== undefined ? options : extend(options, { requestId: requestIdOf(options) })),
  );
