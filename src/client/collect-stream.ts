import { InternalError } from "./errors.js";
import type { ModelResponse } from "./response/model-response.js";

/**
 * Reads a whole stream (from {@link invokeStream}) into one response: the
 * text of every chunk joined, and the stream's usage, `tokenUsage`, finish
 * reason and assembled tool calls (which its last chunk carries).
 * `rawResponse` is the list of every chunk's raw response, in order. Errors
 * of the stream are thrown as they are; a stream that ends without any chunk
 * throws an InternalError.
 *
 * @example
 * const answer = await collectStream(invokeStream(client, request));
 * for (const call of answer.toolCalls ?? []) run(call.function.name, call.parsedArguments);
 */
export async function collectStream(chunks: AsyncIterable<ModelResponse>): Promise<ModelResponse> {
  let content = "";
  const raw: unknown[] = [];
  let last: ModelResponse | undefined;
  for await (const chunk of chunks) {
    if (chunk.content !== undefined) content += chunk.content;
    if (chunk.rawResponse !== undefined) raw.push(chunk.rawResponse);
    last = chunk;
  }
  if (last === undefined) throw new InternalError("The stream ended without a chunk");
  const response: ModelResponse = {};
  if (content !== "") response.content = content;
  if (last.usage !== undefined) response.usage = last.usage;
  if (last.tokenUsage !== undefined) response.tokenUsage = last.tokenUsage;
  if (raw.length > 0) response.rawResponse = raw;
  if (last.requestId !== undefined) response.requestId = last.requestId;
  if (last.finishReason !== undefined) response.finishReason = last.finishReason;
  if (last.toolCalls !== undefined) response.toolCalls = last.toolCalls;
  return response;
}
