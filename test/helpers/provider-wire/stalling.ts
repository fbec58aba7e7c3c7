/**
 * Fake providers that stall, for cancellation and deadline tests: a stream
 * gets its first text ("Hi") and then nothing more; a non-stream call is
 * never answered. The request stays open until the caller gives up.
 */
import { type FakeUpstream, sseEvent, startFakeUpstream, startSse, type UpstreamHandler } from "../fake-upstream.js";
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

/** Per provider: the server environment pointing at a fake, a wire request, and its first stream event. */
export const STALLING_PROVIDERS = [
  {
    name: "openai",
    env: (url: string) => ({ OPENAI_API_KEY: "sk-test-0123456789", OPENAI_BASE_URL: `${url}/v1` }),
    request: { provider: "openai", invokeType: "chat-completions", extra: { model: "m", messages: [{ role: "user", content: "hi" }] } },
    firstEvent: FIRST_EVENTS.openai,
  },
  {
    name: "anthropic",
    env: (url: string) => ({ ANTHROPIC_API_KEY: "sk-ant-test-0123456789", ANTHROPIC_BASE_URL: url }),
    request: { provider: "anthropic", invokeType: "messages", extra: { model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] } },
    firstEvent: FIRST_EVENTS.anthropic,
  },
  {
    name: "google",
    env: (url: string) => ({ GEMINI_API_KEY: "AIza-test-0123456789", GOOGLE_GEMINI_BASE_URL: url }),
    request: { provider: "google", invokeType: "generation", extra: { model: "m", contents: "hi" } },
    firstEvent: FIRST_EVENTS.google,
  },
] as const;

export type StallingProvider = (typeof STALLING_PROVIDERS)[number];

/** A fake of `provider` that streams its first event and then stalls; a non-stream call never gets an answer. */
export function startStallingUpstream(provider: StallingProvider): Promise<FakeUpstream> {
  return startFakeUpstream(stallingApi(provider.firstEvent));
}
