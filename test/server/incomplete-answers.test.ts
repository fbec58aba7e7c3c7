/**
 * A provider answer is complete only with its terminal event. Each provider's
 * official SDK, pointed at a fake that cuts its stream (or sends a body)
 * short of it, must yield a DATA_LOSS status — after the chunks that did
 * arrive — never a clean end with half the text.
 */
import { Status } from "nice-grpc";
import { describe, expect, it } from "vitest";
import type { ModelResponseItem } from "../../src/gen/model_service/model_service.js";
import { authMetadata, collect } from "../helpers/grpc-client.js";
import { sendJson, sseEvent, startFakeUpstream, startSse, type UpstreamHandler } from "../helpers/fake-upstream.js";
import { anthropicMessage, writeAnthropicStream } from "../helpers/provider-wire/anthropic.js";
import { geminiText, writeGeminiChunks } from "../helpers/provider-wire/gemini.js";
import { chatChunk, chatCompletion, responseObject } from "../helpers/provider-wire/openai.js";
import { startReferenceServer } from "../helpers/reference-server.js";
import { wireTenant } from "../helpers/user-context.js";

const tenant = wireTenant;
const chat = { provider: "openai", invokeType: "chat-completions", extra: { model: "m", messages: [{ role: "user", content: "hi" }] } };
const responses = { provider: "openai", invokeType: "responses", extra: { model: "m", input: "hi" } };
const gemini = { provider: "google", invokeType: "generation", extra: { model: "m", contents: "hi" } };
const claude = { provider: "anthropic", invokeType: "messages", extra: { model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] } };

const env = {
  openai: (url: string) => ({ OPENAI_API_KEY: "sk-test-0123456789", OPENAI_BASE_URL: `${url}/v1` }),
  google: (url: string) => ({ GEMINI_API_KEY: "AIza-test-0123456789", GOOGLE_GEMINI_BASE_URL: url }),
  anthropic: (url: string) => ({ ANTHROPIC_API_KEY: "sk-ant-test-0123456789", ANTHROPIC_BASE_URL: url }),
};

interface Cut {
  readonly name: string;
  readonly env: (url: string) => Record<string, string>;
  readonly request: object;
  readonly stream: boolean;
  readonly upstream: UpstreamHandler;
  /** Text that arrived before the cut. */
  readonly text: string;
  readonly missing: RegExp;
}

const CUTS: Cut[] = [
  {
    name: "OpenAI chat stream without finish_reason / [DONE]",
    env: env.openai,
    request: chat,
    stream: true,
    upstream: (_request, res) => {
      startSse(res);
      res.write(sseEvent(chatChunk({ role: "assistant", content: "" })));
      res.end(sseEvent(chatChunk({ content: "Half" })));
    },
    text: "Half",
    missing: /openai answer is incomplete: it ended without a finish_reason/,
  },
  {
    name: "OpenAI chat completion without finish_reason",
    env: env.openai,
    request: chat,
    stream: false,
    upstream: (_request, res) => {
      const body = chatCompletion({ text: "Half" });
      sendJson(res, 200, { ...body, choices: [{ ...body.choices[0], finish_reason: null }] });
    },
    text: "",
    missing: /openai answer is incomplete: it ended without a finish_reason/,
  },
  {
    name: "OpenAI Responses stream without response.completed",
    env: env.openai,
    request: responses,
    stream: true,
    upstream: (_request, res) => {
      startSse(res);
      res.write(sseEvent({ type: "response.created", sequence_number: 0, response: { ...responseObject(), status: "in_progress", output: [] } }, "response.created"));
      res.end(
        sseEvent(
          { type: "response.output_text.delta", item_id: "msg_1", output_index: 0, content_index: 0, delta: "Half", sequence_number: 1 },
          "response.output_text.delta",
        ),
      );
    },
    text: "Half",
    missing: /openai answer is incomplete: it ended without response.completed/,
  },
  {
    name: "Gemini stream without finishReason",
    env: env.google,
    request: gemini,
    stream: true,
    upstream: (_request, res) => writeGeminiChunks(res, [geminiText("Half")]),
    text: "Half",
    missing: /google-ai-studio answer is incomplete: it ended without a finishReason/,
  },
  {
    name: "Gemini generateContent without finishReason",
    env: env.google,
    request: gemini,
    stream: false,
    upstream: (_request, res) => sendJson(res, 200, geminiText("Half")),
    text: "",
    missing: /google-ai-studio answer is incomplete: it ended without a finishReason/,
  },
  {
    name: "Anthropic stream without message_stop",
    env: env.anthropic,
    request: claude,
    stream: true,
    upstream: (_request, res) => writeAnthropicStream(res, ["Half"], { complete: false }),
    text: "Half",
    missing: /anthropic answer is incomplete: it ended without message_stop/,
  },
  {
    name: "Anthropic message without stop_reason",
    env: env.anthropic,
    request: claude,
    stream: false,
    upstream: (_request, res) => sendJson(res, 200, anthropicMessage({ stopReason: null })),
    text: "",
    missing: /anthropic answer is incomplete: it ended without a stop_reason/,
  },
];

describe.each(CUTS)("$name", (cut) => {
  it("ends with DATA_LOSS naming the missing terminal event, after the text that arrived", async () => {
    const upstream = await startFakeUpstream(cut.upstream);
    const { client } = await startReferenceServer({ env: cut.env(upstream.url), providerMaxRetries: 0 });
    const messages: ModelResponseItem[] = [];
    const error = await (async () => {
      for await (const message of client.invoke({ ...tenant, ...cut.request, stream: cut.stream }, { metadata: await authMetadata() })) messages.push(message);
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: Status.DATA_LOSS });
    expect((error as Error).message).toMatch(cut.missing);
    expect(messages.map((message) => message.content).join("")).toBe(cut.text);
    expect(messages.every((message) => message.error === "")).toBe(true);
  });
});

describe("a provider body cut mid-JSON", () => {
  it("is an in-band provider error, never content", async () => {
    const upstream = await startFakeUpstream((_request, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(chatCompletion({ text: "Half of it" })).slice(0, 60));
    });
    const { client } = await startReferenceServer({ env: env.openai(upstream.url), providerMaxRetries: 0 });
    const [answer, ...more] = await collect(client.invoke({ ...tenant, ...chat, stream: false }, { metadata: await authMetadata() }));
    expect(more).toHaveLength(0);
    expect(answer?.content).toBe("");
    expect(answer?.error).toMatch(/^openai request failed/);
  });
});

// Batch items are answered whole: the non-stream bodies.
describe.each(CUTS.filter((cut) => !cut.stream))("$name", (cut) => {
  it("in a batch, the item carries the DATA_LOSS text instead of content", async () => {
    const upstream = await startFakeUpstream(cut.upstream);
    const { client } = await startReferenceServer({ env: cut.env(upstream.url), providerMaxRetries: 0 });
    const reply = await client.batchInvoke({ items: [{ ...tenant, ...cut.request, customId: "x" }] }, { metadata: await authMetadata() });
    expect(reply.items[0]?.content).toBe("");
    expect(reply.items[0]?.error).toMatch(/^DATA_LOSS: /);
    expect(reply.items[0]?.error).toMatch(cut.missing);
  });
});
