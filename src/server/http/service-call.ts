/**
 * Runs a ModelService method for an HTTP request through the very middleware
 * chain the gRPC server uses (call scope, telemetry, authentication …), with
 * a call context made from the HTTP request: its headers as metadata, an
 * abort signal that fires when the caller goes away. The gRPC and HTTP APIs
 * therefore share routing, validation, tenant checks, dedup and logging.
 */
import { type CallContext, composeServerMiddleware, Metadata, type ServerMiddleware } from "nice-grpc";
import type { IncomingMessage } from "node:http";
import type { Authenticated } from "../auth/authenticate.js";
import type { CallScope } from "../grpc/call-scope.js";
import type { ConnectionWatch } from "../grpc/connection-watch.js";
import type { ModelServiceContext } from "../service/model-service.js";
import type { TraceScope } from "../telemetry/server-telemetry.js";

/**
 * The connection watch of an HTTP call: over HTTP/1 a caller's cancel and a
 * lost connection look the same (the socket closes), so every end is taken
 * for a cancel and the upstream request stops at once.
 */
const httpConnectionWatch: ServerMiddleware<ConnectionWatch> = async function* httpConnectionWatchMiddleware(call, context) {
  return yield* call.next(call.request, { ...context, lostConnection: () => false });
};

/** The gRPC server's chain in front of the ModelService, as one middleware for HTTP calls (the connection watch is HTTP's). */
export function httpServiceChain(
  scope: ServerMiddleware<CallScope>,
  telemetry: ServerMiddleware<TraceScope, CallScope>,
  authentication: ServerMiddleware<Authenticated>,
): ServerMiddleware<ModelServiceContext> {
  const scoped = composeServerMiddleware<CallScope, ConnectionWatch, {}>(scope, httpConnectionWatch);
  const traced = composeServerMiddleware<CallScope & ConnectionWatch, TraceScope, {}>(scoped, telemetry);
  return composeServerMiddleware<CallScope & ConnectionWatch & TraceScope, Authenticated, {}>(traced, authentication);
}

/** A method as the middleware sees it. */
export interface ServiceMethod {
  readonly path: string;
  readonly responseStream: boolean;
}

/** The call context of an HTTP request; `trailer` collects what the gRPC call would send in its trailers. */
export function callContextOf(req: IncomingMessage, signal: AbortSignal): CallContext {
  const metadata = Metadata();
  for (const [key, value] of Object.entries(req.headers)) {
    // Binary metadata has no HTTP/1 spelling; none of the service's keys is binary.
    if (key.endsWith("-bin") || value === undefined) continue;
    for (const entry of Array.isArray(value) ? value : [value]) metadata.append(key, entry);
  }
  const { remoteAddress = "", remotePort = 0 } = req.socket;
  return {
    metadata,
    peer: `${remoteAddress.includes(":") ? "ipv6" : "ipv4"}:${remoteAddress}:${remotePort}`,
    header: Metadata(),
    sendHeader: () => {},
    trailer: Metadata(),
    signal,
  };
}

/**
 * The messages of a server-streaming method run through `middleware`
 * (`handler` is the service method itself, given the extended context).
 */
export function streamThrough<Request, Response, Ext>(
  middleware: ServerMiddleware<Ext>,
  method: ServiceMethod,
  request: Request,
  context: CallContext,
  handler: (request: Request, context: CallContext & Ext) => AsyncIterable<Response>,
): AsyncGenerator<Response, Response | void, undefined> {
  return middleware<Request, Response>(
    {
      method: { path: method.path, requestStream: false, responseStream: true, options: {} },
      requestStream: false,
      request,
      responseStream: true,
      next: async function* (next, nextContext) {
        yield* handler(next as Request, nextContext);
      },
    },
    context,
  );
}

/** The answer of a unary method run through `middleware`. */
export async function unaryThrough<Request, Response, Ext>(
  middleware: ServerMiddleware<Ext>,
  method: ServiceMethod,
  request: Request,
  context: CallContext,
  handler: (request: Request, context: CallContext & Ext) => Promise<Response>,
): Promise<Response> {
  const generator = middleware<Request, Response>(
    {
      method: { path: method.path, requestStream: false, responseStream: false, options: {} },
      requestStream: false,
      request,
      responseStream: false,
      // eslint-disable-next-line require-yield -- a unary call yields nothing, it returns its answer
      next: async function* (next, nextContext) {
        return await handler(next as Request, nextContext);
      },
    },
    context,
  );
  const result = await generator.next();
  if (!result.done) throw new Error(`${method.path}: a unary call yielded a message`);
  return result.value as Response;
}
