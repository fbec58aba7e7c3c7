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

/** The events that open a streamed message, before its first text delta; `usage` is message_start's. */
export const anthropicStreamStart = (usage: object = { input_tokens: 5, output_tokens: 1 }) =>
  anthropicEvent({ type: "message_start", message: anthropicMessage({ content: [], stopReason: null, usage }) } as never) +
  anthropicEvent({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } } as never);

/** A `text_delta` event. */
export const anthropicTextDelta = (text: string) => anthropicEvent({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } } as never);

/**
 * The event stream of a text answer, one `text_delta` per piece; without
 * `complete`, it ends before message_stop. `startUsage` is message_start's
 * usage, `deltaUsage` message_delta's.
 */
export function writeAnthropicStream(
  res: ServerResponse,
  pieces: readonly string[] = ["Hi", " there"],
  { complete = true, startUsage, deltaUsage = { output_tokens: 2 } }: { complete?: boolean; startUsage?: object; deltaUsage?: object } = {},
) {
  startSse(res);
  res.write(anthropicStreamStart(startUsage));
  res.write(anthropicEvent({ type: "ping" }));
  for (const text of pieces) res.write(anthropicTextDelta(text));
  res.write(anthropicEvent({ type: "content_block_stop", index: 0 } as never));
  res.write(anthropicEvent({ type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: deltaUsage } as never));
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

/** A tool the model calls, with its input as JSON text. */
export interface ToolUse {
  readonly id: string;
  readonly name: string;
  readonly input: string;
}

/**
 * The event stream of a message that says `text` and then calls tools: each
 * `tool_use` block opens with an empty input that follows in
 * `input_json_delta` fragments; stop reason `tool_use`. `startUsage` is
 * message_start's usage, `deltaUsage` message_delta's.
 */
export function writeAnthropicToolUseStream(
  res: ServerResponse,
  { text = "Let me check.", calls, startUsage = { input_tokens: 5, output_tokens: 1 }, deltaUsage = { output_tokens: 2 } }:
    { text?: string; calls: readonly ToolUse[]; startUsage?: object; deltaUsage?: object },
) {
  startSse(res);
  res.write(anthropicStreamStart(startUsage));
  res.write(anthropicTextDelta(text));
  res.write(anthropicEvent({ type: "content_block_stop", index: 0 } as never));
  calls.forEach((call, i) => {
    const index = i + 1;
    res.write(anthropicEvent({ type: "content_block_start", index, content_block: { type: "tool_use", id: call.id, name: call.name, input: {} } } as never));
    for (let at = 0; at < call.input.length; at += 5) {
      res.write(anthropicEvent({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: call.input.slice(at, at + 5) } } as never));
    }
    res.write(anthropicEvent({ type: "content_block_stop", index } as never));
  });
  res.write(anthropicEvent({ type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: deltaUsage } as never));
  res.write(anthropicEvent({ type: "message_stop" }));
  res.end();
}
