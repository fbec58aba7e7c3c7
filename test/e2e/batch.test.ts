/**
 * invokeBatch end to end: items for different providers in one batch, run by
 * priority, each answer matched to its item by custom id, a failing item
 * carrying its own error while its siblings succeed.
 */
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { invokeBatch } from "tamar-model-client";
import { deferred } from "../helpers/deferred.js";
import { sendJson, startFakeUpstream, type RecordedRequest } from "../helpers/fake-upstream.js";
import { anthropicApi, anthropicError, anthropicMessage } from "../helpers/provider-wire/anthropic.js";
import { GEMINI_USAGE, geminiApi, geminiText } from "../helpers/provider-wire/gemini.js";
import { CHAT_USAGE, chatCompletion, IMAGES_USAGE, openAIApi, RESPONSES_USAGE } from "../helpers/provider-wire/openai.js";
import { PNG_B64 } from "../helpers/provider-wire/png.js";
import { type BackendName, startStack, userContext } from "./helpers/stack.js";

const messages = [{ role: "user", content: "Hello" }] as const;

/** The model a provider request is for: in the JSON body, or in Google's path. */
function modelOf(request: RecordedRequest): string {
  return (request.headers["content-type"]?.startsWith("application/json") && request.json().model) || (/models\/([^:]+):/.exec(request.path)?.[1] ?? "?");
}

describe("invokeBatch across providers", () => {
  it("runs higher priority first, answers every item under its custom id, one provider failure stays in its item", async () => {
    const arrivals: string[] = [];
    const logged = (backend: BackendName, api: (request: RecordedRequest, res: ServerResponse) => void) =>
      startFakeUpstream((request, res) => {
        arrivals.push(`${backend} ${modelOf(request)}`);
        api(request, res);
      });
    const anthropic = (request: RecordedRequest, res: ServerResponse) =>
      request.json().model === "claude-broken" ? sendJson(res, 500, anthropicError("api_error", "Internal server error")) : anthropicApi(request, res);
    const upstreams = {
      openai: (await logged("openai", openAIApi)).url,
      azure: (await logged("azure", openAIApi)).url,
      "ai-studio": (await logged("ai-studio", geminiApi)).url,
      vertexai: (await logged("vertexai", geminiApi)).url,
      anthropic: (await logged("anthropic", anthropic)).url,
    };
    // one item at a time, so the providers see the items in the order the server starts them
    const { client } = await startStack(upstreams, { server: { batchConcurrency: 1 } });

    const batch = await invokeBatch(
      client,
      {
        userContext,
        items: [
          { customId: "chat", priority: 1, provider: "openai", model: "gpt-4o-mini", messages },
          { customId: "responses", provider: "azure", model: "gpt-4.1", input: "Hello" },
          { customId: "gemini", priority: 5, provider: "google", channel: "ai-studio", model: "gemini-2.5-flash", contents: "Hello" },
          { customId: "broken", priority: 3, provider: "anthropic", model: "claude-broken", max_tokens: 10, messages },
          { customId: "claude", priority: 3, provider: "anthropic", model: "claude-sonnet-4", max_tokens: 10, messages },
          { customId: "imagen", priority: -1, provider: "google", invokeType: "image-generation", model: "imagen-3.0", prompt: "a fox" },
          { priority: 2, provider: "openai", model: "gpt-image-1", prompt: "a cat" },
        ],
      },
      { requestId: "batch-e2e-1" },
    );

    // priority order, ties in request order
    expect(arrivals).toEqual([
      "ai-studio gemini-2.5-flash",
      "anthropic claude-broken",
      "anthropic claude-sonnet-4",
      "openai gpt-image-1",
      "openai gpt-4o-mini",
      "azure gpt-4.1",
      "vertexai imagen-3.0",
    ]);
    expect(batch.requestId).toBe("batch-e2e-1");
    expect(batch.responses.map((answer) => answer.customId)).toEqual(["chat", "responses", "gemini", "broken", "claude", "imagen", "#6"]);
    expect(batch.responses.every((answer) => answer.requestId === "batch-e2e-1")).toBe(true);
    const answer = (id: string) => batch.byCustomId.get(id);
    expect(answer("chat")).toMatchObject({ content: "Hi there", usage: CHAT_USAGE, finishReason: "stop" });
    expect(answer("responses")).toMatchObject({ content: "Hi there", usage: RESPONSES_USAGE, finishReason: "stop" });
    expect(answer("gemini")).toMatchObject({ content: "Hi there", usage: GEMINI_USAGE, finishReason: "stop" });
    expect(answer("claude")).toMatchObject({ content: "Hi there", finishReason: "stop" });
    expect(answer("imagen")?.rawResponse).toMatchObject({ generatedImages: [{ image: { imageBytes: PNG_B64 } }] });
    expect(answer("#6")).toMatchObject({ usage: IMAGES_USAGE, rawResponse: { data: [{ b64_json: PNG_B64 }] } });
    // the failed item carries the provider's error, and nothing else
    expect(answer("broken")?.error).toMatch(/^anthropic request failed, HTTP 500: .*Internal server error/);
    expect(answer("broken")?.content).toBeUndefined();
    expect(batch.responses.filter((item) => item.error !== undefined).map((item) => item.customId)).toEqual(["broken"]);
  });

  it("maps answers back by custom id when the first item finishes last", async () => {
    // The OpenAI item is held until the other two providers have sent their whole answers.
    const othersAnswered = [deferred(), deferred()];
    const answered = (done: { resolve(): void }, res: ServerResponse) => res.on("finish", () => done.resolve());
    const openai = await startFakeUpstream(async (_request, res) => {
      await Promise.all(othersAnswered.map((done) => done.promise));
      sendJson(res, 200, chatCompletion({ text: "first item, answered last" }));
    });
    const anthropic = await startFakeUpstream((_request, res) => {
      answered(othersAnswered[0]!, res);
      sendJson(res, 200, anthropicMessage({ content: [{ type: "text", text: "second item" }] }));
    });
    const google = await startFakeUpstream((_request, res) => {
      answered(othersAnswered[1]!, res);
      sendJson(res, 200, geminiText("third item", "STOP"));
    });
    const { client } = await startStack({ openai: openai.url, anthropic: anthropic.url, "ai-studio": google.url }, { server: { batchConcurrency: 3 } });

    const batch = await invokeBatch(client, {
      userContext,
      items: [
        { customId: "slow", provider: "openai", model: "gpt-4o-mini", messages },
        { customId: "fast-1", provider: "anthropic", model: "claude-sonnet-4", max_tokens: 10, messages },
        { customId: "fast-2", provider: "google", model: "gemini-2.5-flash", contents: "Hello" },
      ],
    });

    expect(batch.responses.map((item) => [item.customId, item.content])).toEqual([
      ["slow", "first item, answered last"],
      ["fast-1", "second item"],
      ["fast-2", "third item"],
    ]);
    expect(batch.byCustomId.get("fast-2")?.content).toBe("third item");
  });
});
