// One attempt over a Model Manager's HTTP API (the Python SDK's HTTP
// fallback), as a fallback route: the wire request sent as JSON with
// Node's fetch, the answer read back into the gRPC messages the rest of the
// chain reads. Failures come out as the gRPC statuses they stand for (a
// ClientError), so the fallback's triggers and the client's typed errors are
// the same for both transports; a stream cut before `data: [DONE]` is
// DATA_LOSS, never a silently short answer.
import { ClientError, type Metadata, Status } from "nice-grpc-common";
import type { ModelRequestItem, ModelResponseItem } from "../../gen/model_service/model_service.js";
import { isAbortError } from "../../internal/abort-error.js";
import { boundedText } from "../../internal/bounded-text.js";
import { grpcStatusNamed, grpcStatusOfHttp } from "../../internal/http-status.js";
import { answerItemOfJson, HTTP_INVOKE_PATH, invokeBodyOf, SSE_DONE, SSE_ERROR_EVENT } from "../../internal/http-wire.js";
import type { Authorization } from "../middleware/jwt.js";
import type { TraceHeaders } from "./telemetry/call-telemetry.js";

const INVOKE_METHOD = "/model_service.ModelService/Invoke";

/** What one HTTP attempt is sent with. */
export interface HttpAttempt {
  /** The HTTP API's base URL (`http://host:port`, maybe with a path prefix). */
  readonly url: string;
  readonly requestId: string | undefined;
  /** Aborts the request: the caller's abort, the call's deadline, the stream timeouts. */
  readonly signal: AbortSignal | undefined;
  /** The caller's extra metadata, sent as headers (text values only). */
  readonly metadata: Metadata | undefined;
  /** The trace context's headers of a call on the fused path (the chain path's are in `metadata`). */
  readonly traceHeaders: TraceHeaders | undefined;
  readonly authorization: Authorization;
  /** Largest answer (or stream event) read, bytes: the client's `maxMessageBytes`, as on gRPC. */
  readonly maxMessageBytes: number;
}

// How much of an error body is read to word the error.
const MAX_ERROR_BODY_BYTES = 64 * 1024;

const fail = (code: Status, message: string) => new ClientError(INVOKE_METHOD, code, message);

function headersOf(attempt: HttpAttempt, stream: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, values] of attempt.metadata ?? []) {
    const text = values.find((value): value is string => typeof value === "string");
    if (text !== undefined && !key.endsWith("-bin")) headers[key] = text;
  }
  if (attempt.traceHeaders !== undefined) Object.assign(headers, attempt.traceHeaders);
  return {
    ...headers,
    "content-type": "application/json",
    accept: stream ? "text/event-stream" : "application/json",
    "user-agent": "tamar-model-client-ts",
    ...(attempt.requestId === undefined ? {} : { "x-request-id": attempt.requestId }),
    ...(attempt.authorization === undefined ? {} : { authorization: attempt.authorization }),
  };
}

// The gRPC status of an HTTP error: the one its body names, else the HTTP status's.
function statusError(url: string, httpStatus: number, text: string): ClientError {
  let code = grpcStatusOfHttp(httpStatus);
  let message = boundedText(text.trim() || `HTTP ${httpStatus}`);
  try {
    const body = JSON.parse(text) as { error?: { status?: unknown; message?: unknown } };
    code = grpcStatusNamed(body.error?.status) ?? code;
    if (typeof body.error?.message === "string") message = body.error.message;
  } catch {
    // Not an error body (a proxy's page): its text says what happened.
  }
  return fail(code, `${message} (HTTP ${httpStatus} from ${url})`);
}

function answerOf(json: unknown, url: string): ModelResponseItem {
  const parsed = answerItemOfJson(json);
  if ("problem" in parsed) throw fail(Status.INTERNAL, `the HTTP API at ${url} sent an answer that is not one: ${boundedText(parsed.problem)}`);
  return parsed.value;
}

// A read that failed: an abort (the caller's, the deadline's, close()) stays what it is, anything else cut the answer.
function cut(error: unknown, signal: AbortSignal | undefined, url: string, what: string): unknown {
  if (signal?.aborted || isAbortError(error)) return error;
  return fail(Status.DATA_LOSS, `the HTTP answer from ${url} was cut before its end (${what}: ${(error as Error).message})`);
}

// Worded as grpc-js words a message over its limit, so the client's errors make it the same MessageTooLargeError.
const tooLarge = (url: string, what: string, limit: number) =>
  fail(Status.RESOURCE_EXHAUSTED, `the HTTP ${what} from ${url} is a message with a size larger than ${limit} (the client's maxMessageBytes)`);

/**
 * The body's text, at most `limit` bytes: past it, `onOver` decides (an
 * error for an answer; the text so far for an error body). The server is
 * not trusted to bound what it sends.
 */
async function boundedBody(body: ReadableStream<Uint8Array> | null, limit: number, onOver: (text: string) => string): Promise<string> {
  if (!body) return "";
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.byteLength;
    if (bytes > limit) {
      await body.cancel().catch(() => {});
      return onOver(text);
    }
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

/** The events of an SSE body: `{event, data}` per block, each at most `limit` bytes. */
async function* sseEvents(body: ReadableStream<Uint8Array>, url: string, limit: number): AsyncGenerator<{ event: string | undefined; data: string }> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true }).replace(/\r\n?/g, "\n");
    // Characters, not bytes: an event of multi-byte text is cut later, never earlier, than the limit.
    if (buffer.indexOf("\n\n") === -1 && buffer.length > limit) throw tooLarge(url, "stream event", limit);
    for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event: string | undefined;
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
      }
      if (event !== undefined || data.length > 0) yield { event, data: data.join("\n") };
    }
  }
}

/** The messages of one Invoke over the HTTP API at `attempt.url`. */
export async function* invokeOverHttp(item: ModelRequestItem, attempt: HttpAttempt): AsyncGenerator<ModelResponseItem, void, undefined> {
  const url = attempt.url.replace(/\/+$/, "");
  let response: Response;
  try {
    response = await fetch(`${url}${HTTP_INVOKE_PATH}`, {
      method: "POST",
      headers: headersOf(attempt, item.stream),
      body: JSON.stringify(invokeBodyOf(item)),
      ...(attempt.signal ? { signal: attempt.signal } : {}),
    });
  } catch (error) {
    if (attempt.signal?.aborted || isAbortError(error)) throw error;
    const reason = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw fail(Status.UNAVAILABLE, `the HTTP API at ${url} is unreachable: ${reason}`);
  }
  if (!response.ok) {
    const text = await boundedBody(response.body, MAX_ERROR_BODY_BYTES, (head) => head).catch(() => "");
    throw statusError(url, response.status, text);
  }
  if (!item.stream) {
    let text: string;
    try {
      text = await boundedBody(response.body, attempt.maxMessageBytes, () => {
        throw tooLarge(url, "answer", attempt.maxMessageBytes);
      });
    } catch (error) {
      throw error instanceof ClientError ? error : cut(error, attempt.signal, url, "body");
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw fail(Status.DATA_LOSS, `the HTTP answer from ${url} is not whole JSON (${text.length} characters)`);
    }
    yield answerOf(json, url);
    return;
  }
  const type = response.headers.get("content-type") ?? "";
  if (!/^text\/event-stream/i.test(type)) {
    throw fail(Status.INTERNAL, `the HTTP API at ${url} answered a stream with ${type || "no content type"}, not text/event-stream`);
  }
  if (!response.body) throw fail(Status.DATA_LOSS, `the HTTP stream from ${url} has no body`);
  const body = response.body;
  try {
    for await (const { event, data } of sseEvents(body, url, attempt.maxMessageBytes)) {
      if (event === SSE_ERROR_EVENT) throw statusError(url, 500, data);
      if (data === SSE_DONE) return;
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        throw fail(Status.INTERNAL, `the HTTP stream from ${url} sent an event that is not JSON: ${boundedText(data)}`);
      }
      yield answerOf(json, url);
    }
  } catch (error) {
    throw error instanceof ClientError ? error : cut(error, attempt.signal, url, "stream");
  } finally {
    // Whatever ends the reading (done, an error, the caller's break) closes the request.
    await body.cancel().catch(() => {});
  }
  throw fail(Status.DATA_LOSS, `the HTTP stream from ${url} ended before data: ${SSE_DONE}: the answer is not whole`);
}
