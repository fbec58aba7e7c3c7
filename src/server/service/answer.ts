/**
 * Turns a provider's chunks into wire responses: one message per chunk for a
 * stream, exactly one for a non-stream call. Provider failures become in-band
 * `error` text; cancellation propagates; setup errors (a gRPC status) surface
 * as the call's status when nothing has been sent yet.
 */
import type { ModelResponseItem } from "../../gen/model_service/model_service.js";
import { boundedText } from "../../internal/bounded-text.js";
import { abortErrorOf } from "../grpc/abort.js";
import { inBandText, statusErrorOf } from "../grpc/status-errors.js";
import { IncompleteAnswerError } from "../providers/incomplete-answer.js";
import { describeProviderError } from "../providers/provider-error.js";
import type { ModelProvider, ProviderCall, ProviderChunk, VideoOutput } from "../providers/provider.js";
import { providerRetryAfterMs } from "../providers/retry-after.js";

/** What a call's answer looked like, for its log record. */
export interface AnswerSummary {
  chunks?: number;
  finish_reason?: string;
  provider_error?: string;
  /** True when the provider's answer ended without its terminal event. */
  incomplete?: boolean;
}

/** Per-call context of an answer. */
export interface AnswerScope {
  readonly requestId: string;
  readonly customId?: string | undefined;
  /** Removes secrets from in-band error text. */
  readonly redact: (text: string) => string;
  /** Filled in as the answer goes. */
  readonly summary: AnswerSummary;
  /** Told the provider's back-off hint, and the in-band error text, when it failed with one (sent to the caller in trailers). */
  readonly onRetryAfter?: ((ms: number, error: string) => void) | undefined;
}

/** The messages of one Invoke call. */
export async function* streamAnswer(
  provider: ModelProvider,
  call: ProviderCall,
  scope: AnswerScope,
): AsyncGenerator<ModelResponseItem> {
  if (!call.stream) {
    yield await answerOnce(provider, call, scope, { statusErrors: "throw" });
    return;
  }
  let delivered = 0;
  try {
    for await (const chunk of provider.invoke(call)) {
      delivered++;
      if (chunk.finishReason) scope.summary.finish_reason = chunk.finishReason;
      yield responseItem(chunk, scope);
    }
    scope.summary.chunks = delivered;
  } catch (error) {
    scope.summary.chunks = delivered;
    if (call.signal.aborted) throw abortErrorOf(call.signal);
    const status = statusErrorOf(error);
    if (error instanceof IncompleteAnswerError) scope.summary.incomplete = true;
    // A cut answer is a status even after chunks: the caller must learn the text it got is not whole, not read an in-band error as one more chunk.
    if (status && (delivered === 0 || error instanceof IncompleteAnswerError)) throw status;
    yield errorItem(call, error, scope);
  }
}

/**
 * The whole answer as one message. With `statusErrors: "in-band"` (batch
 * items) even setup errors become the item's `error` text.
 */
export async function answerOnce(
  provider: ModelProvider,
  call: ProviderCall,
  scope: AnswerScope,
  options: { readonly statusErrors: "throw" | "in-band" },
): Promise<ModelResponseItem> {
  try {
    const answer = await collectAnswer(provider, call);
    if (answer.finishReason) scope.summary.finish_reason = answer.finishReason;
    scope.summary.chunks = answer.chunks > 0 ? 1 : 0;
    return responseItem(answer, scope);
  } catch (caught) {
    if (call.signal.aborted) throw abortErrorOf(call.signal);
    if (caught instanceof IncompleteAnswerError) scope.summary.incomplete = true;
    const status = statusErrorOf(caught);
    if (status && options.statusErrors === "throw") throw status;
    return errorItem(call, caught, scope);
  }
}

/** A whole answer: the text of every chunk, the last usage, raw response and finish reason, any videos. */
export interface CollectedAnswer extends ProviderChunk {
  readonly chunks: number;
}

/** Reads a provider's answer to the end. Provider failures are thrown. */
export async function collectAnswer(provider: ModelProvider, call: ProviderCall): Promise<CollectedAnswer> {
  let content = "";
  let last: ProviderChunk | undefined;
  let usage: unknown;
  let chunks = 0;
  const videos: VideoOutput[] = [];
  for await (const chunk of provider.invoke(call)) {
    content += chunk.content;
    if (chunk.usage != null) usage = chunk.usage;
    if (chunk.videos) videos.push(...chunk.videos);
    last = chunk;
    chunks++;
  }
  return { content, usage, raw: last?.raw, finishReason: last?.finishReason, chunks, ...(videos.length > 0 ? { videos } : {}) };
}

function responseItem(chunk: ProviderChunk, scope: AnswerScope): ModelResponseItem {
  return {
    content: chunk.content,
    usage: chunk.usage == null ? "" : JSON.stringify(chunk.usage),
    rawResponse: chunk.raw == null ? "" : JSON.stringify(chunk.raw),
    error: "",
    customId: scope.customId,
    requestId: scope.requestId,
  };
}

function errorItem(call: ProviderCall, error: unknown, scope: AnswerScope): ModelResponseItem {
  const status = statusErrorOf(error);
  const text = scope.redact(status ? inBandText(status) : describeProviderError(call.backend, error));
  scope.summary.provider_error = text;
  const retryAfterMs = providerRetryAfterMs(error);
  if (retryAfterMs !== undefined) scope.onRetryAfter?.(retryAfterMs, text);
  return failedItem(text, scope);
}

/** A response that carries only an in-band error. */
export function failedItem(error: string, scope: Pick<AnswerScope, "requestId" | "customId">): ModelResponseItem {
  return { content: "", usage: "", rawResponse: "", error: boundedText(error), customId: scope.customId, requestId: scope.requestId };
}
