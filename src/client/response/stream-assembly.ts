// What a stream adds up to — usage, finish reason, tool calls — kept chunk by
// chunk, so that the last chunk can carry the stream's whole. Usage objects
// are merged in order (every provider reports running totals: OpenAI and
// Responses once at the end, Gemini on each chunk, Anthropic input in
// message_start and output in message_delta), never summed.
import type { ModelResponse, Usage } from "./model-response.js";
import type { FinishReason } from "./normalize-output.js";
import { normalizeUsage, usageInRaw } from "./normalize-usage.js";
import { createToolCallAssembler } from "./tool-call-assembly.js";

/** Folds a stream's chunks into the stream's totals. */
export interface StreamAssembler {
  /** Reads one chunk and returns it with the usage so far; whole-call `toolCalls` of single chunks are left to the last chunk. */
  push(chunk: ModelResponse): ModelResponse;
  /** `last` (the stream's last chunk) with the stream's usage, finish reason and tool calls. */
  complete(last: ModelResponse): ModelResponse;
  /**
   * The stream's totals as a chunk of their own, for when the last chunk was
   * delivered before the stream ended; undefined when it already carried them.
   */
  summary(requestId: string | undefined): ModelResponse | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function createStreamAssembler(): StreamAssembler {
  return new StreamAssembly();
}

// A class, not closures per stream: thousands of open streams each hold one.
class StreamAssembly implements StreamAssembler {
  readonly #toolCalls = createToolCallAssembler();
  #usage: Usage | undefined = undefined;
  #finishReason: FinishReason | undefined = undefined;
  #lastChunkHadUsage = false;

  push(chunk: ModelResponse): ModelResponse {
    this.#toolCalls.push(chunk.rawResponse);
    delete chunk.toolCalls;
    if (chunk.finishReason !== undefined) this.#finishReason = chunk.finishReason;
    const reported = chunk.usage ?? usageInRaw(chunk.rawResponse);
    this.#lastChunkHadUsage = isRecord(reported);
    if (isRecord(reported)) {
      this.#usage = { ...this.#usage, ...reported };
      const tokenUsage = normalizeUsage(this.#usage);
      if (tokenUsage) chunk.tokenUsage = tokenUsage;
    }
    return chunk;
  }

  complete(last: ModelResponse): ModelResponse {
    return this.#totals(last);
  }

  summary(requestId: string | undefined): ModelResponse | undefined {
    // Nothing to add when the last chunk already carried the final usage and there are no calls.
    if (this.#toolCalls.toolCalls().length === 0 && (this.#usage === undefined || this.#lastChunkHadUsage)) return undefined;
    return this.#totals(requestId === undefined ? {} : { requestId });
  }

  #totals(target: ModelResponse): ModelResponse {
    const usage = this.#usage;
    const calls = this.#toolCalls.toolCalls();
    // Gemini says STOP when it stops to call tools.
    const reason = calls.length > 0 && this.#finishReason === "stop" ? "tool_calls" : this.#finishReason;
    const tokenUsage = normalizeUsage(usage);
    if (usage && target.usage === undefined) target.usage = usage;
    if (tokenUsage) target.tokenUsage = tokenUsage;
    if (reason !== undefined) target.finishReason = reason;
    if (calls.length > 0) target.toolCalls = calls;
    else delete target.toolCalls;
    return target;
  }
}
