/**
 * The outermost middleware of the model service: gives each call its request
 * id, tracks it while in flight, turns unexpected failures into INTERNAL, and
 * writes one log record when it ends.
 */
import { randomUUID } from "node:crypto";
import { ServerError, Status, type CallContext, type ServerMiddleware } from "nice-grpc";
import { boundedText, MAX_MESSAGE_CHARS } from "../../internal/bounded-text.js";
import { isAbortError } from "../../internal/abort-error.js";
import type { ServerLogger } from "../logging/logger.js";
import type { InFlightCalls } from "./in-flight-calls.js";
import { statusErrorOf } from "./status-errors.js";

/** What the call scope adds to every call context. */
export interface CallScope {
  /** From the caller's `x-request-id`, else generated; echoed on every response. */
  readonly requestId: string;
  /** True when the caller sent the request id: its retries carry the same one, so they can share one provider call. */
  readonly requestIdFromCaller: boolean;
  /** Fields the handler adds to the call's log record (provider, invoke_type, model, …). */
  readonly logFields: Record<string, unknown>;
}

const REQUEST_ID = /^[\x21-\x7e]{1,256}$/;

export function callScope(deps: { readonly logger: ServerLogger; readonly inFlight: InFlightCalls }): ServerMiddleware<CallScope> {
  return async function* callScopeMiddleware(call, context) {
    const started = performance.now();
    const method = call.method.path.slice(call.method.path.lastIndexOf("/") + 1);
    const requestId = requestIdOf(context);
    context.trailer.set("x-request-id", requestId);
    const logFields: Record<string, unknown> = {};
    const origin = context.metadata.get("x-origin-request-id");
    if (origin) logFields["origin_request_id"] = origin;
    const finished = deps.inFlight.start();
    let status = "OK";
    let messages = 0;
    let failure: string | undefined;
    try {
      const requestIdFromCaller = context.metadata.get("x-request-id") === requestId;
      const next = call.next(call.request, { ...context, requestId, requestIdFromCaller, logFields });
      if (!call.responseStream) return yield* next;
      for await (const message of next) {
        messages++;
        yield message;
      }
      return;
    } catch (error) {
      const statusError = statusErrorOf(error);
      if (statusError) {
        status = Status[statusError.code];
        // Whatever a handler quoted, a status stays small: a huge one holds up every call on the connection.
        const bounded = statusError.details.length > MAX_MESSAGE_CHARS ? new ServerError(statusError.code, boundedText(statusError.details)) : statusError;
        failure = bounded.details;
        throw bounded;
      }
      if (isAbortError(error) || context.signal.aborted) {
        status = "CANCELLED";
        throw error;
      }
      status = "INTERNAL";
      failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new ServerError(Status.INTERNAL, `internal error of the model server (request id ${requestId})`);
    } finally {
      finished();
      // A cancelled stream can end without an error reaching here: nice-grpc
      // closes the handler with return() when the caller goes, and the openai
      // SDK ends its stream quietly when aborted.
      if (status === "OK" && context.signal.aborted) status = "CANCELLED";
      deps.logger({
        level: status === "OK" || status === "CANCELLED" ? "info" : status === "INTERNAL" ? "error" : "warn",
        msg: "call",
        request_id: requestId,
        method,
        ...logFields,
        ...(call.responseStream ? { messages } : {}),
        status,
        ...(failure === undefined ? {} : { error: failure }),
        duration_ms: Math.round((performance.now() - started) * 100) / 100,
      });
    }
  };
}

function requestIdOf(context: CallContext): string {
  const given = context.metadata.get("x-request-id");
  if (given === undefined || given === "") return randomUUID();
  if (!REQUEST_ID.test(given)) {
    throw new ServerError(Status.INVALID_ARGUMENT, "x-request-id must be 1 to 256 visible ASCII characters");
  }
  return given;
}
