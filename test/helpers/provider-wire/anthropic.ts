/**
 * Anthropic's Messages API wire format: whole messages and the named SSE
 * event stream (message_start … message_stop).
 */
import type { ServerResponse } from "node:http";
import { sendJson, sseEvent, startSse, type RecordedRequest } from "../fake-upstream.js";

export const ANTHROPIC_USAGE = { input_tokens: 5, output_tokens: 2 };

/** A whole message; `content` blocks default to one text block. */
export function anthropicMessage({
  content = [{ type: "text", text: "Hi there" }],
  stopReason = "end_turn",
  usage = ANTHROPIC_USAGE,
  model = "claude-sonnet-4",
}: { content?: readonly object[]; stopReason?: string | null; usage?: object; model?: string } = {}) {
  return { id: "msg_1", type: "message", role: "assistant", model, content, stop_reason: stopReason, stop_sequence: null, usage };
}

/** One named SSE event of a Messages stream. */
export const anthropicEvent = (data: { type: string }) => sseEvent(data, data.type);

/** The events that open a streamed message, before its first text delta. */
export const anthropicStreamStart = () =>
  anthropicEvent({ type: "message_start", message: anthropicMessage({ content: [], stopReason: null, usage: { input_tokens: 5, output_tokens: 1 } }) } as never) +
  anthropicEvent({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } } as never);

/** A `text_delta` event. */
export const anthropicTextDelta = (text: string) => anthropicEvent({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } } as never);

/** The event stream of a text answer, one `text_delta` per piece; without `complete`, it ends before message_stop. */
export function writeAnthropicStream(res: ServerResponse, pieces: readonly string[] = ["Hi", " there"], { complete = true } = {}) {
  startSse(res);
  res.write(anthropicStreamStart());
  res.write(anthropicEvent({ type: "ping" }));
  for (const text of pieces) res.write(anthropicTextDelta(text));
  res.write(anthropicEvent({ type: "content_block_stop", index: 0 } as never));
  res.write(anthropicEvent({ type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 2 } } as never));
  if (complete) res.write(anthropicEvent({ type: "message_stop" }));
  res.end();
}

/** Anthropic's error body. */
export const anthropicError = (type: string, message: string) => ({ type: "error", error: { type, message } });

/** The Messages API with the default answer, streamed when the body asks. */
export function anthropicApi(request: RecordedRequest, res: ServerResponse): void {
  if (request.json().stream === true) return writeAnthropicStream(res);
  sendJson(res, 200, anthropicMessage());
}
