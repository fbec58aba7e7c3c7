import type { RetryOptions } from "nice-grpc-client-middleware-retry";
import { type CallOptions, type ClientMiddleware, type ClientMiddlewareCall, ClientError, Status } from "nice-grpc-common";
import { extend } from "../internal/extend.js";
import type { RequestIdOptions } from "./request-id.js";

type LogMethod = (fields: Record<string, unknown>, message: string) => void;

/**
 * A structured logger; pino's, or anything with the same methods (each
 * takes a fields object first, then a message).
 */
export interface Logger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}

function describe(method: string, request: unknown): Record<string, unknown> {
  const item = request as { provider?: string; invokeType?: string; stream?: boolean; extra?: { model?: unknown }; items?: unknown[] };
  if (item.items) return { method, items: item.items.length };
  if (item.provider === undefined) return { method };
  return { method, provider: item.provider, invoke_type: item.invokeType, model: item.extra?.model, stream: item.stream };
}

function usageOf(message: unknown): unknown {
  const usage = (message as { usage?: unknown }).usage;
  if (typeof usage !== "string" || usage === "") return undefined;
  try {
    return JSON.parse(usage);
  } catch {
    return undefined;
  }
}

/**
 * Logs each call: `request.start` (debug), `request.end` (info, with
 * duration, message count, usage, and `completed: false` when the consumer
 * stopped reading a stream early), `request.retry` (warn) and
 * `request.error` (error), each with the request id, provider and model.
 * Never logs prompt or answer text, metadata or credentials. Install it inside
 * the request-id middleware so the id is known.
 */
export function createLoggingMiddleware(logger: Logger): ClientMiddleware<RetryOptions & RequestIdOptions> {
  return async function* loggingMiddleware<Request, Response>(
    call: ClientMiddlewareCall<Request, Response>,
    options: CallOptions & RetryOptions & RequestIdOptions,
  ) {
    const method = call.method.path.slice(call.method.path.lastIndexOf("/") + 1);
    // The server's field names (snake_case, as the wire's): one query finds a call on both sides.
    const fields = { request_id: options.requestId, ...describe(method, call.request) };
    const started = performance.now();
    const durationMs = () => Math.round((performance.now() - started) * 10) / 10;
    const onRetryableError = (error: ClientError, attempt: number, delayMs: number) => {
      logger.warn(extend(fields, { event: "request.retry", attempt: attempt + 1, delay_ms: delayMs, code: Status[error.code] }), "retrying call");
      options.onRetryableError?.(error, attempt, delayMs);
    };
    logger.debug(extend(fields, { event: "request.start" }), "call started");
    let messages = 0;
    let usage: unknown;
    let failed = false;
    let completed = false;
    try {
      const inner = extend(options, { onRetryableError });
      const next = call.next(call.request, inner);
      let result = await next.next();
      while (!result.done) {
        messages++;
        usage = usageOf(result.value) ?? usage;
        yield result.value;
        result = await next.next();
      }
      if (result.value !== undefined) usage = usageOf(result.value);
      completed = true;
      return result.value;
    } catch (error) {
      failed = true;
      const code = error instanceof ClientError ? Status[error.code] : (error as Error | undefined)?.name;
      logger.error(
        extend(fields, { event: "request.error", duration_ms: durationMs(), messages, code, error: (error as Error | undefined)?.message }),
        "call failed",
      );
      throw error;
    } finally {
      // Reached on success, and when the consumer stops reading a stream early.
      if (!failed) {
        logger.info(extend(fields, { event: "request.end", duration_ms: durationMs(), messages, usage, completed }), "call finished");
      }
    }
  };
}
