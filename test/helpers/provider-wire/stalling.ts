/**
 * Fake providers that stall, for cancellation and deadline tests: a stream
 * gets its first text ("Hi") and then nothing more; a non-stream call is
 * never answered. The request stays open until the caller gives up.
 */
import { sseEvent, startSse, type UpstreamHandler } from "../fake-upstream.js";
import { anthropicStreamStart, anthropicTextDelta } from "./anthropic.js";
import { geminiText } from "./gemini.js";
import { chatChunk } from "./openai.js";

/** Each provider's stream opening, up to and including the text "Hi". */
export const FIRST_EVENTS = {
  openai: sseEvent(chatChunk({ content: "Hi" })),
  anthropic: anthropicStreamStart() + anthropicTextDelta("Hi"),
  google: sseEvent(geminiText("Hi"), undefined, "\r\n"),
} as const;

/** A provider API that sends `firstEvent` to a stream and then stalls. */
export function stallingApi(firstEvent: string): UpstreamHandler {
  return (request, res) => {
    const streaming = request.path.includes("stream") || request.json().stream === true;
    if (streaming) {
      startSse(res);
      res.write(firstEvent);
    }
  };
}
