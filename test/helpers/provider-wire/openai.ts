/**
 * OpenAI's wire format (also Azure OpenAI's): chat completions and their
 * SSE chunks, Responses objects and their named SSE events, images results.
 * Bodies as api.openai.com sends them, so the real `openai` SDK parses them.
 */
import type { ServerResponse } from "node:http";
import { sendJson, sseEvent, startSse, type RecordedRequest } from "../fake-upstream.js";
import { PNG_B64 } from "./png.js";

export const CHAT_USAGE = { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 };
export const RESPONSES_USAGE = { input_tokens: 5, output_tokens: 2, total_tokens: 7 };
export const IMAGES_USAGE = { input_tokens: 3, output_tokens: 10, total_tokens: 13 };

/** A function call the model asks for. */
export interface FunctionCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

/** A whole chat completion: text, or tool calls (finish reason `tool_calls`). */
export function chatCompletion({
  text = "Hi there",
  toolCalls = [],
  finishReason = toolCalls.length > 0 ? "tool_calls" : "stop",
  usage = CHAT_USAGE,
  model = "gpt-4o-mini",
}: { text?: string | null; toolCalls?: readonly FunctionCall[]; finishReason?: string; usage?: object; model?: string } = {}) {
  const message = {
    role: "assistant",
    content: toolCalls.length > 0 ? null : text,
    refusal: null,
    ...(toolCalls.length > 0
      ? { tool_calls: toolCalls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } })) }
      : {}),
  };
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage,
  };
}

/** One `chat.completion.chunk`; a usage-only chunk (the last one) has no choices. */
export function chatChunk(delta: object, finishReason: string | null = null, usage: object | null = null) {
  return {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: "gpt-4o-mini",
    choices: usage && !finishReason ? [] : [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    usage,
  };
}

/**
 * A chat stream as OpenAI sends it with `stream_options.include_usage`: a
 * role chunk, one chunk per piece, the finish chunk, the usage chunk, [DONE].
 */
export function writeChatStream(res: ServerResponse, pieces: readonly string[] = ["Hi", " there"], finishReason = "stop", usage: object = CHAT_USAGE) {
  startSse(res);
  res.write(sseEvent(chatChunk({ role: "assistant", content: "" })));
  for (const piece of pieces) res.write(sseEvent(chatChunk({ content: piece })));
  res.write(sseEvent(chatChunk({}, finishReason)));
  res.write(sseEvent(chatChunk({}, null, usage)));
  res.end(sseEvent("[DONE]"));
}

/** A whole Responses API object: an output message, or function calls. */
export function responseObject({
  text = "Hi there",
  functionCalls = [],
  usage = RESPONSES_USAGE,
  model = "gpt-4.1",
}: { text?: string; functionCalls?: readonly FunctionCall[]; usage?: object | null; model?: string } = {}) {
  const output =
    functionCalls.length > 0
      ? functionCalls.map((call, i) => ({ type: "function_call", id: `fc_${i}`, call_id: call.id, name: call.name, arguments: call.arguments, status: "completed" }))
      : [{ type: "message", id: "msg_1", status: "completed", role: "assistant", content: [{ type: "output_text", text, annotations: [] }] }];
  return { id: "resp_1", object: "response", created_at: 1_700_000_000, status: "completed", model, output, usage };
}

/** A Responses stream: `response.created`, one text delta per piece, `response.completed` with the whole response. */
export function writeResponsesStream(res: ServerResponse, pieces: readonly string[] = ["Hi", " there"], completed: object = responseObject({ text: pieces.join("") })) {
  startSse(res);
  const send = (data: { type: string }) => res.write(sseEvent(data, data.type));
  send({ type: "response.created", sequence_number: 0, response: { ...responseObject(), status: "in_progress", output: [], usage: null } } as never);
  pieces.forEach((delta, i) =>
    send({ type: "response.output_text.delta", item_id: "msg_1", output_index: 0, content_index: 0, delta, sequence_number: i + 1 } as never),
  );
  send({ type: "response.completed", sequence_number: pieces.length + 1, response: completed } as never);
  res.end();
}

/** An images.generate / images.edit result with base64 images. */
export function imagesResult(b64: string, usage: object = IMAGES_USAGE) {
  return { created: 1_700_000_000, data: [{ b64_json: b64 }], usage };
}

/** OpenAI's error body. */
export function openAIError(message: string, code = "rate_limit_exceeded", type = "requests") {
  return { error: { message, type, param: null, code } };
}

/**
 * OpenAI's API (Azure's too: same endpoints under a deployment path) with
 * the default answers: chat completions and responses (streamed when the body
 * asks), images generate and edit.
 */
export function openAIApi(request: RecordedRequest, res: ServerResponse): void {
  const stream = request.headers["content-type"]?.startsWith("application/json") === true && request.json().stream === true;
  if (request.path.endsWith("/chat/completions")) return stream ? writeChatStream(res) : sendJson(res, 200, chatCompletion());
  if (request.path.endsWith("/responses")) return stream ? writeResponsesStream(res) : sendJson(res, 200, responseObject());
  if (/\/images\/(generations|edits)$/.test(request.path)) return sendJson(res, 200, imagesResult(PNG_B64));
  sendJson(res, 404, openAIError(`no route ${request.path}`, "not_found", "invalid_request_error"));
}

/** `text` cut into pieces of `size` characters, as providers stream JSON arguments. */
export const fragments = (text: string, size = 5): string[] => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

/**
 * A chat stream of tool calls as OpenAI sends them: each call opens with its
 * index, id and name, then its arguments follow in fragments; the fragments
 * of parallel calls interleave. Then the `tool_calls` finish chunk and the usage chunk.
 */
export function writeChatToolCallStream(res: ServerResponse, calls: readonly FunctionCall[], usage: object = CHAT_USAGE) {
  startSse(res);
  res.write(sseEvent(chatChunk({ role: "assistant", content: null })));
  calls.forEach((call, index) =>
    res.write(sseEvent(chatChunk({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }))),
  );
  const pieces = calls.map((call) => fragments(call.arguments));
  for (let step = 0; step < Math.max(...pieces.map((p) => p.length)); step++) {
    pieces.forEach((list, index) => {
      if (list[step] !== undefined) res.write(sseEvent(chatChunk({ tool_calls: [{ index, function: { arguments: list[step] } }] })));
    });
  }
  res.write(sseEvent(chatChunk({}, "tool_calls")));
  res.write(sseEvent(chatChunk({}, null, usage)));
  res.end(sseEvent("[DONE]"));
}

/**
 * A Responses stream of function calls: per call `response.output_item.added`,
 * its arguments in `response.function_call_arguments.delta` events, `…arguments.done`
 * and `response.output_item.done`; then `response.completed` with the whole response.
 */
export function writeResponsesFunctionCallStream(res: ServerResponse, calls: readonly FunctionCall[], usage: object = RESPONSES_USAGE) {
  startSse(res);
  let sequence = 0;
  const send = (data: object) => res.write(sseEvent({ ...data, sequence_number: sequence++ }, (data as { type: string }).type));
  const completed = responseObject({ functionCalls: calls, usage });
  send({ type: "response.created", response: { ...completed, status: "in_progress", output: [], usage: null } });
  completed.output.forEach((item, output_index) => {
    const call = calls[output_index]!;
    send({ type: "response.output_item.added", output_index, item: { ...item, arguments: "", status: "in_progress" } });
    for (const delta of fragments(call.arguments)) send({ type: "response.function_call_arguments.delta", item_id: item.id, output_index, delta });
    send({ type: "response.function_call_arguments.done", item_id: item.id, output_index, arguments: call.arguments });
    send({ type: "response.output_item.done", output_index, item });
  });
  send({ type: "response.completed", response: completed });
  res.end();
}
