/**
 * The Model Manager's HTTP API (the Python SDK's HTTP fallback):
 * `POST /v1/invoke` (a JSON answer, or Server-Sent Events for a stream),
 * `POST /v1/batch-invoke`, `GET /health`. Each request runs through the
 * ModelService and its middleware chain exactly as a gRPC call does; this
 * module only translates (the JSON forms are in src/internal/http-wire.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type CallContext, type Metadata, ServerError, type ServerMiddleware, Status } from "nice-grpc";
import { type ModelRequest, type ModelRequestItem, ModelResponseItem, type ModelServiceImplementation } from "../../gen/model_service/model_service.js";
import { isAbortError } from "../../internal/abort-error.js";
import { boundedText } from "../../internal/bounded-text.js";
import { httpStatusOf } from "../../internal/http-status.js";
import {
  answerJsonOf,
  batchRequestOfBody,
  HTTP_BATCH_INVOKE_PATH,
  HTTP_HEALTH_PATH,
  HTTP_INVOKE_PATH,
  type HttpBodyIssue,
  type HttpErrorBody,
  invokeItemOfBody,
  SSE_DONE,
  SSE_ERROR_EVENT,
} from "../../internal/http-wire.js";
import { RETRY_AFTER_TRAILER } from "../../internal/retry-hint.js";
import { statusErrorOf } from "../grpc/status-errors.js";
import type { ModelServiceContext } from "../service/model-service.js";
import { callContextOf, streamThrough, unaryThrough } from "./service-call.js";

/** What the HTTP API runs on. */
export interface HttpApiDeps {
  /** The ModelService the gRPC server serves. */
  readonly service: ModelServiceImplementation<ModelServiceContext>;
  /** The gRPC server's middleware chain in front of the service, composed into one. */
  readonly middleware: ServerMiddleware<ModelServiceContext>;
  /** Largest request body, bytes (the gRPC server's largest message). */
  readonly maxBodyBytes: number;
  /** False once the server drains: new requests are refused with 503, health says NOT_SERVING. */
  readonly serving: () => boolean;
}

const INVOKE = { path: "/model_service.ModelService/Invoke", responseStream: true } as const;
const BATCH_INVOKE = { path: "/model_service.ModelService/BatchInvoke", responseStream: false } as const;

class HttpRequestError extends ServerError {}

function errorBody(error: ServerError, requestId: string | undefined): HttpErrorBody {
  return {
    error: { code: httpStatusOf(error.code), status: Status[error.code] ?? "UNKNOWN", message: boundedText(error.details) },
    ...(requestId ? { request_id: requestId } : {}),
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

// What the gRPC call would have sent in its trailers, as response headers.
function headersOf(trailer: Metadata): Record<string, string> {
  const headers: Record<string, string> = {};
  const requestId = trailer.get("x-request-id");
  if (typeof requestId === "string") headers["x-request-id"] = requestId;
  const retryAfterMs = trailer.get(RETRY_AFTER_TRAILER);
  if (typeof retryAfterMs === "string") {
    headers[RETRY_AFTER_TRAILER] = retryAfterMs;
    headers["retry-after"] = String(Math.ceil(Number(retryAfterMs) / 1000));
  }
  return headers;
}

async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers["content-length"]);
  const tooLarge = (size: number) =>
    new HttpRequestError(Status.RESOURCE_EXHAUSTED, `request body larger than max (${size} vs. ${maxBytes} bytes)`);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(declared);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(size);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (error) {
    throw new HttpRequestError(Status.INVALID_ARGUMENT, `body: not JSON (${(error as Error).message})`);
  }
}

function refuseIssues(issues: readonly HttpBodyIssue[]): never {
  const text = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join("; ");
  throw new HttpRequestError(Status.INVALID_ARGUMENT, text);
}

async function writeChunk(res: ServerResponse, text: string): Promise<void> {
  if (!res.write(text)) await new Promise<void>((resolve) => res.once("drain", resolve).once("close", resolve));
}

/** The request handler of the HTTP API. */
export function createHttpApi(deps: HttpApiDeps): (req: IncomingMessage, res: ServerResponse) => void {
  async function invoke(item: ModelRequestItem, res: ServerResponse, context: CallContext): Promise<void> {
    const messages = streamThrough(deps.middleware, INVOKE, item, context, (request, scoped) => deps.service.invoke(request, scoped));
    if (!item.stream) {
      const answers: ModelResponseItem[] = [];
      for await (const message of messages) answers.push(ModelResponseItem.fromPartial(message));
      if (answers.length !== 1) {
        throw new ServerError(Status.INTERNAL, `the model server produced ${answers.length} answers to a call that takes one`);
      }
      sendJson(res, 200, answerJsonOf(answers[0]!), headersOf(context.trailer));
      return;
    }
    // Headers wait for the first message, so that a failure before it is an
    // ordinary HTTP error and the trailers known by then travel as headers.
    let started = false;
    const start = () => {
      if (started) return;
      started = true;
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", ...headersOf(context.trailer) });
    };
    try {
      for await (const message of messages) {
        start();
        await writeChunk(res, `data: ${JSON.stringify(answerJsonOf(ModelResponseItem.fromPartial(message)))}\n\n`);
      }
    } catch (error) {
      const status = statusErrorOf(error);
      if (!started || !status) throw error;
      // After the first message a failure is an event: the stream ends without [DONE].
      res.end(`event: ${SSE_ERROR_EVENT}\ndata: ${JSON.stringify(errorBody(status, context.trailer.get("x-request-id")))}\n\n`);
      return;
    }
    start();
    res.end(`data: ${SSE_DONE}\n\n`);
  }

  async function batchInvoke(request: ModelRequest, res: ServerResponse, context: CallContext): Promise<void> {
    const answer = await unaryThrough(deps.middleware, BATCH_INVOKE, request, context, (batch, scoped) => deps.service.batchInvoke(batch, scoped));
    sendJson(res, 200, { request_id: answer.requestId, results: (answer.items ?? []).map((item) => answerJsonOf(ModelResponseItem.fromPartial(item))) }, headersOf(context.trailer));
  }

  async function handle(req: IncomingMessage, res: ServerResponse, context: CallContext): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path === HTTP_HEALTH_PATH && (req.method === "GET" || req.method === "HEAD")) {
      const serving = deps.serving();
      sendJson(res, serving ? 200 : 503, { status: serving ? "SERVING" : "NOT_SERVING" });
      return;
    }
    if (path !== HTTP_INVOKE_PATH && path !== HTTP_BATCH_INVOKE_PATH) {
      throw new HttpRequestError(Status.NOT_FOUND, `no such endpoint: ${req.method ?? ""} ${boundedText(path)} (POST ${HTTP_INVOKE_PATH}, POST ${HTTP_BATCH_INVOKE_PATH}, GET ${HTTP_HEALTH_PATH})`);
    }
    if (req.method !== "POST") throw new HttpRequestError(Status.UNIMPLEMENTED, `${path} takes POST, not ${req.method ?? ""}`);
    if (!deps.serving()) throw new HttpRequestError(Status.UNAVAILABLE, "the model server is shutting down");
    const body = await readJson(req, deps.maxBodyBytes);
    if (path === HTTP_INVOKE_PATH) {
      const parsed = invokeItemOfBody(body);
      if (parsed.issues) refuseIssues(parsed.issues);
      await invoke(parsed.value, res, context);
    } else {
      const parsed = batchRequestOfBody(body);
      if (parsed.issues) refuseIssues(parsed.issues);
      await batchInvoke(parsed.value, res, context);
    }
  }

  return (req, res) => {
    const controller = new AbortController();
    // The caller going away (a closed connection, its abort) cancels the call and its upstream request.
    res.once("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    if (!deps.serving()) res.setHeader("connection", "close");
    const context = callContextOf(req, controller.signal);
    handle(req, res, context).catch((error: unknown) => {
      if (res.headersSent || controller.signal.aborted || isAbortError(error)) {
        res.destroy();
        return;
      }
      const status = statusErrorOf(error) ?? new ServerError(Status.INTERNAL, "internal error of the model server");
      // The call's id once the call scope gave it one, else the caller's.
      const given = context.trailer.get("x-request-id") ?? req.headers["x-request-id"];
      const requestId = typeof given === "string" ? given : undefined;
      sendJson(res, httpStatusOf(status.code), errorBody(status, requestId), requestId ? { "x-request-id": requestId } : {});
    });
  };
}
