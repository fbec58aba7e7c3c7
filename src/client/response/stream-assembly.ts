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
  const toolCalls = createToolCallAssembler();
  let usage: Usage | undefined;
  let finishReason: FinishReason | undefined;
  let lastChunkHadUsage = false;

  const finalReason = (calls: number): FinishReason | undefined =>
    // Gemini says STOP when it stops to call tools.
    calls > 0 && finishReason === "stop" ? "tool_calls" : finishReason;

  const totals = (target: ModelResponse): ModelResponse => {
    const calls = toolCalls.toolCalls();
    const reason = finalReason(calls.length);
    const tokenUsage = normalizeUsage(usage);
    if (usage && target.usage === undefined) target.usage = usage;
    if (tokenUsage) target.tokenUsage = tokenUsage;
    if (reason !== undefined) target.finishReason = reason;
    if (calls.length > 0) target.toolCalls = calls;
    else delete target.toolCalls;
    return target;
  };

  return {
    push(chunk) {
      toolCalls.push(chunk.rawResponse);
      delete chunk.toolCalls;
      if (chunk.finishReason !== undefined) finishReason = chunk.finishReason;
      const reported = chunk.usage ?? usageInRaw(chunk.rawResponse);
      lastChunkHadUsage = isRecord(reported);
      if (isRecord(reported)) {
        usage = { ...usage, ...reported };
        const tokenUsage = normalizeUsage(usage);
        if (tokenUsage) chunk.tokenUsage = tokenUsage;
      }
      return chunk;
    },
    complete: totals,
    summary(requestId) {
      // Nothing to add when the last chunk already carried the final usage and there are no calls.
      if (toolCalls.toolCalls().length === 0 && (usage === undefined || lastChunkHadUsage)) return undefined;
      return totals(requestId === undefined ? {} : { requestId });
    },
  };
}
