import { randomUUID } from "node:crypto";
import { type ClientMiddleware, Metadata } from "nice-grpc-common";
import { startNow } from "./start-now.js";
import { extend } from "../extend.js";

/** Call options read by {@link requestIdMiddleware}. */
export interface RequestIdOptions {
  /** The call's request id; a random UUID when absent. */
  requestId?: string;
}

/**
 * Sends `x-request-id`: the caller's `requestId`, else one already in the
 * metadata, else a random UUID. Installed outside the retry middlewares, so
 * every attempt of one call carries the same id. Passes the id on as the
 * `requestId` option for the middlewares inside it.
 */
export const requestIdMiddleware: ClientMiddleware<RequestIdOptions> = (call, options) =>
  startNow(() => {
    const metadata = Metadata(options.metadata);
    const requestId = options.requestId ?? metadata.get("x-request-id") ?? randomUUID();
    metadata.set("x-request-id", requestId);
    const inner = extend(options, { metadata, requestId });
    return call.next(call.request, inner);
  });
