/**
 * Normalised usage end to end: each provider's usage shape (OpenAI Chat,
 * OpenAI Responses, OpenAI images, Gemini, Anthropic — with cached and
 * reasoning counts) reaches the user as the same `tokenUsage` on `invoke`, on
 * the last chunk of `invokeStream` and on batch items, with the provider's
 * own usage kept in `usage`.
 */
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { collectStream, type InvokeRequest, invoke, invokeBatch, invokeStream, type TokenUsage } from "tamar-model-client";
import { sendJson, startFakeUpstream, type RecordedRequest } from "../helpers/fake-upstream.js";
import { collect } from "../helpers/grpc-client.js";
import { anthropicMessage, writeAnthropicStream } from "../helpers/provider-wire/anthropic.js";
import { geminiText, writeGeminiStream } from "../helpers/provider-wire/gemini.js";
import { chatCompletion, imagesResult, responseObject, writeChatStream, writeResponsesStream } from "../helpers/provider-wire/openai.js";
import { PNG_B64 } from "../helpers/provider-wire/png.js";
import { type BackendName, type RequestOf, startStack, userContext } from "./helpers/stack.js";

const CACHED_AND_REASONING: TokenUsage = { inputTokens: 10, outputTokens: 20, totalTokens: 30, cachedInputTokens: 4, reasoningTokens: 8 };

interface Shape {
  readonly name: string;
  readonly backend: BackendName;
  readonly request: RequestOf;
  /** The provider's usage in a whole answer. */
  readonly usage: object;
  readonly answer: (request: RecordedRequest, res: ServerResponse) => void;
  readonly expected: TokenUsage;
  /** The provider's usage as the stream's last chunk carries it; undefined for an API that does not stream. */
  readonly streamUsage?: object;
}

const CHAT = {
  prompt_tokens: 10,
  completion_tokens: 20,
  total_tokens: 30,
  prompt_tokens_details: { cached_tokens: 4, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 8, audio_tokens: 0 },
};
const RESPONSES = { input_tokens: 10, input_tokens_details: { cached_tokens: 4 }, output_tokens: 20, output_tokens_details: { reasoning_tokens: 8 }, total_tokens: 30 };
// Gemini counts thoughts apart from candidates, and the total includes both.
const GEMINI = { promptTokenCount: 10, candidatesTokenCount: 12, thoughtsTokenCount: 8, cachedContentTokenCount: 4, totalTokenCount: 30 };
// Anthropic counts cache reads and writes apart from input_tokens, and reports no total.
const ANTHROPIC = { input_tokens: 4, cache_read_input_tokens: 4, cache_creation_input_tokens: 2, output_tokens: 20 };

const streamed = (request: RecordedRequest) => request.path.endsWith(":streamGenerateContent") || request.json().stream === true;

const SHAPES: Shape[] = [
  {
    name: "OpenAI chat",
    backend: "openai",
    request: { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] },
    usage: CHAT,
    answer: (request, res) => (streamed(request) ? writeChatStream(res, ["Hi", " there"], "stop", CHAT) : sendJson(res, 200, chatCompletion({ usage: CHAT }))),
    expected: CACHED_AND_REASONING,
    streamUsage: CHAT,
  },
  {
    name: "OpenAI Responses",
    backend: "openai",
    request: { provider: "openai", model: "gpt-4.1", input: "hi" },
    usage: RESPONSES,
    answer: (request, res) =>
      streamed(request) ? writeResponsesStream(res, ["Hi", " there"], responseObject({ usage: RESPONSES })) : sendJson(res, 200, responseObject({ usage: RESPONSES })),
    expected: CACHED_AND_REASONING,
    streamUsage: RESPONSES,
  },
  {
    name: "OpenAI images",
    backend: "openai",
    request: { provider: "openai", model: "gpt-image-1", prompt: "a cat" },
    usage: { input_tokens: 3, input_tokens_details: { text_tokens: 3, image_tokens: 0 }, output_tokens: 10, total_tokens: 13 },
    answer: (_request, res) =>
      sendJson(res, 200, imagesResult(PNG_B64, { input_tokens: 3, input_tokens_details: { text_tokens: 3, image_tokens: 0 }, output_tokens: 10, total_tokens: 13 })),
    expected: { inputTokens: 3, outputTokens: 10, totalTokens: 13 },
  },
  {
    name: "Gemini",
    backend: "ai-studio",
    request: { provider: "google", model: "gemini-2.5-flash", contents: "hi" },
    usage: GEMINI,
    // each stream chunk carries Gemini's running usage, the last one the total
    answer: (request, res) => (streamed(request) ? writeGeminiStream(res, ["Hi", " there"], GEMINI) : sendJson(res, 200, geminiText("Hi there", "STOP", GEMINI))),
    expected: CACHED_AND_REASONING,
    streamUsage: GEMINI,
  },
  {
    name: "Anthropic",
    backend: "anthropic",
    request: { provider: "anthropic", model: "claude-sonnet-4", max_tokens: 100, messages: [{ role: "user", content: "hi" }] },
    usage: ANTHROPIC,
    // input and cache counts come in message_start, the output count in message_delta
    answer: (request, res) =>
      streamed(request)
        ? writeAnthropicStream(res, ["Hi", " there"], { startUsage: { ...ANTHROPIC, output_tokens: 1 }, deltaUsage: { output_tokens: 20 } })
        : sendJson(res, 200, anthropicMessage({ usage: ANTHROPIC })),
    expected: { inputTokens: 10, outputTokens: 20, totalTokens: 30, cachedInputTokens: 4, cacheWriteInputTokens: 2 },
    streamUsage: ANTHROPIC,
  },
];

describe.each(SHAPES)("$name usage", (shape) => {
  it("invoke: tokenUsage normalised, the provider's usage kept", async () => {
    const upstream = await startFakeUpstream(shape.answer);
    const { client } = await startStack({ [shape.backend]: upstream.url });
    const answer = await invoke(client, { ...shape.request, userContext } as InvokeRequest);
    expect(answer.tokenUsage).toEqual(shape.expected);
    expect(answer.usage).toEqual(shape.usage);
  });

  it.runIf(shape.streamUsage !== undefined)("invokeStream: the last chunk carries the stream's usage", async () => {
    const upstream = await startFakeUpstream(shape.answer);
    const { client } = await startStack({ [shape.backend]: upstream.url });
    const chunks = await collect(invokeStream(client, { ...shape.request, userContext } as InvokeRequest));
    expect(chunks.map((chunk) => chunk.content ?? "").join("")).toBe("Hi there");
    const last = chunks.at(-1);
    expect(last?.tokenUsage).toEqual(shape.expected);
    expect(last?.usage).toEqual(shape.streamUsage);
    expect((await collectStream(invokeStream(client, { ...shape.request, userContext } as InvokeRequest))).tokenUsage).toEqual(shape.expected);
  });

  it("invokeBatch: each item carries its tokenUsage", async () => {
    const upstream = await startFakeUpstream(shape.answer);
    const { client } = await startStack({ [shape.backend]: upstream.url });
    const batch = await invokeBatch(client, {
      userContext,
      items: [{ ...shape.request, customId: "a" }, { ...shape.request, customId: "b" }] as never,
    });
    expect(batch.responses.map((item) => [item.customId, item.error, item.tokenUsage])).toEqual([
      ["a", undefined, shape.expected],
      ["b", undefined, shape.expected],
    ]);
  });
});
