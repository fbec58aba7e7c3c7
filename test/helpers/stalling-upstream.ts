/**
 * Fake providers that answer a stream with their first event and then stall,
 * and never answer a non-stream call: for tests that need a call to be in
 * flight upstream while they cancel it, let its deadline pass, or close it.
 */
import type { ServerResponse } from "node:http";
import { type FakeUpstream, sseEvent, startFakeUpstream, startSse, type RecordedRequest } from "./fake-upstream.js";

/** Per provider: the server environment pointing at a fake, a wire request, and its first stream event. */
export const STALLING_PROVIDERS = [
  {
    name: "openai",
    env: (url: string) => ({ OPENAI_API_KEY: "sk-test-0123456789", OPENAI_BASE_URL: `${url}/v1` }),
    request: { provider: "openai", invokeType: "chat-completions", extra: { model: "m", messages: [{ role: "user", content: "hi" }] } },
    firstEvent: sseEvent({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: null }] }),
  },
  {
    name: "anthropic",
    env: (url: string) => ({ ANTHROPIC_API_KEY: "sk-ant-test-0123456789", ANTHROPIC_BASE_URL: url }),
    request: { provider: "anthropic", invokeType: "messages", extra: { model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] } },
    firstEvent:
      sseEvent({ type: "message_start", message: { id: "x", type: "message", role: "assistant", model: "m", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 0 } } }, "message_start") +
      sseEvent({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } }, "content_block_delta"),
  },
  {
    name: "google",
    env: (url: string) => ({ GEMINI_API_KEY: "AIza-test-0123456789", GOOGLE_GEMINI_BASE_URL: url }),
    request: { provider: "google", invokeType: "generation", extra: { model: "m", contents: "hi" } },
    firstEvent: sseEvent({ candidates: [{ content: { role: "model", parts: [{ text: "Hi" }] }, index: 0 }] }, undefined, "\r\n"),
  },
] as const;

export type StallingProvider = (typeof STALLING_PROVIDERS)[number];

/** A fake of `provider` that streams its first event and then stalls; a non-stream call never gets an answer. */
export function startStallingUpstream(provider: StallingProvider): Promise<FakeUpstream> {
  return startFakeUpstream((request: RecordedRequest, res: ServerResponse) => {
    const streaming = request.path.includes("stream") || request.json().stream === true;
    if (streaming) {
      startSse(res);
      res.write(provider.firstEvent);
    }
  });
}
