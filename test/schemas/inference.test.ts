// invokeType inference and channel default, seen on the wire by a real server.
import { connectivityState } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { type AsyncInvokeRequest, type InvokeRequest, invoke, ValidationError } from "tamar-model-client";
import { findPair, inferInvokeType } from "../../src/routes/find-pair.js";
import { PAIR_SAMPLES } from "../helpers/pair-samples.js";
import { PAIRS, type PairName, type PairRoute, PROVIDERS } from "../../src/routes/route-table.js";
import { buildInvokeRequest } from "tamar-model-client/middleware";
import { setup, userContext } from "../helpers/setup.js";

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

// Every (provider, invokeType) pair, without an invokeType: what is inferred.
const cases: [string, InvokeRequest, string][] = [
  ["openai chat", { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], userContext }, "chat-completions"],
  ["azure chat", { provider: "azure", model: "gpt-4o", messages: [{ role: "user", content: "hi" }], userContext }, "chat-completions"],
  ["openai responses", { provider: "openai", model: "gpt-4.1", input: "hi", userContext }, "responses"],
  ["azure responses", { provider: "azure", model: "gpt-4.1", input: [{ role: "user", content: "hi" }], userContext }, "responses"],
  ["openai image", { provider: "openai", model: "gpt-image-1", prompt: "a cat", userContext }, "image-generation"],
  ["azure image", { provider: "azure", prompt: "a cat", quality: "high", userContext }, "image-generation"],
  ["openai image edit", { provider: "openai", prompt: "hat", image: png, userContext }, "image-edit-generation"],
  ["azure image edit", { provider: "azure", prompt: "hat", image: [png, png], userContext }, "image-edit-generation"],
  ["google generation", { provider: "google", model: "gemini-2.5-flash", contents: "hi", userContext }, "generation"],
  ["google vertex image", { provider: "google", model: "imagen-3.0", prompt: "a cat", number_of_images: 1, userContext }, "image-generation"],
  ["google genai image", { provider: "google", model: "imagen-4.0", prompt: "a cat", config: { numberOfImages: 1 }, userContext }, "image-generation-genai"],
  ["anthropic", { provider: "anthropic", model: "claude-sonnet-4", max_tokens: 100, messages: [{ role: "user", content: "hi" }], userContext }, "messages"],
  ["xfusionai generation", { provider: "xfusionai", model: "gemini-2.5-flash", contents: "hi", userContext }, "generation"],
  ["tuzi generation", { provider: "tuzi", model: "gemini-2.5-flash", contents: [{ role: "user", parts: [{ text: "hi" }] }], userContext }, "generation"],
  ["freepik upscaler", { provider: "freepik", image: "https://example.com/a.png", userContext }, "image-upscaler"],
  ["fal-ai z-image", { provider: "fal-ai", model: "fal-ai/z-image/turbo", prompt: "a cat", userContext }, "image-generation"],
  ["fal-ai qwen edit", { provider: "fal-ai", image_urls: ["https://example.com/a.png"], prompt: "hat", userContext }, "image-edit-generation"],
  ["fal-ai qwen layered", { provider: "fal-ai", prompt: "layers", image_url: "https://example.com/a.png", userContext }, "image-layer-generation"],
  ["fal-ai sam-3 image (by model)", { provider: "fal-ai", model: "fal-ai/sam-3/image", image_url: "https://example.com/a.png", prompt: "cat", userContext }, "image-segmentation"],
  ["bfl generation", { provider: "bfl", prompt: "a cat", userContext }, "image-generation"],
  ["bfl edit", { provider: "bfl", prompt: "a hat", input_image: { file_id: "f-1" }, userContext }, "image-edit-generation"],
];

// Asynchronous tasks (video): inferred the same way, sent with enable_async_task.
const asyncCases: [string, AsyncInvokeRequest, string][] = [
  ["xfusionai video", { provider: "xfusionai", prompt: "a cat", enableAsyncTask: true, userContext }, "video-generation"],
  ["byteplus video", { provider: "byteplus", content: [{ type: "text", text: "a cat" }], enableAsyncTask: true, userContext }, "video-generation"],
  ["doubao video", { provider: "doubao", channel: "omnihuman", image_url: "https://example.com/a.png", enableAsyncTask: true, userContext }, "video-generation"],
  ["fal-ai wan replace", { provider: "fal-ai", video_url: "https://example.com/a.mp4", image_url: "https://example.com/a.png", enableAsyncTask: true, userContext }, "video-edit-generation"],
  ["fal-ai kling (by model)", { provider: "fal-ai", model: "fal-ai/kling-video/v2.1/pro/text-to-video", prompt: "a cat", enableAsyncTask: true, userContext }, "video-generation"],
  ["fal-ai sam-3 video (by model)", { provider: "fal-ai", model: "fal-ai/sam-3/video", video_url: "https://example.com/a.mp4", enableAsyncTask: true, userContext }, "video-segmentation"],
  ["openai sora (by model)", { provider: "openai", model: "sora-2", prompt: "a cat", enableAsyncTask: true, userContext }, "video-generation"],
  ["openai video (prompt + seconds)", { provider: "azure", prompt: "a cat", seconds: "4", enableAsyncTask: true, userContext }, "video-generation"],
  ["google veo (by model)", { provider: "google", model: "veo-3.0-generate-001", prompt: "a cat", enableAsyncTask: true, userContext }, "video-generation-genai"],
  ["google video (source)", { provider: "google", model: "m", source: { prompt: "a cat" }, enableAsyncTask: true, userContext }, "video-generation-genai"],
];

// Pairs whose main field is another pair's too: never inferred from keys,
// the request names them (or a model of the pair's family).
const namedOnly = ["anthropicChatCompletions", "anthropicResponses", "falQwenImageEditMultiAngle"] as const;

describe("inference rules", () => {
  it("every inference rule of the route table is listed above (each inferable pair has a case, each named-only one is named)", async () => {
    const covered = new Set<string>();
    for (const [, request] of [...cases, ...asyncCases]) {
      const fields = request as Record<string, unknown> & { provider: string };
      covered.add(findPair(fields.provider, inferInvokeType(fields.provider, fields))!);
    }
    for (const name of Object.keys(PAIRS) as PairName[]) {
      const route: PairRoute = PAIRS[name];
      if (route.inferredFrom === null && route.inferredFromModel === undefined) expect(namedOnly, name).toContain(name);
      else expect(covered, name).toContain(name);
    }
  });

  it("is unambiguous: no two pairs of a provider infer from the same keys or overlapping model prefixes", () => {
    for (const provider of Object.keys(PROVIDERS)) {
      const routes = (Object.values(PAIRS) as PairRoute[]).filter((route) => (route.providers as readonly string[]).includes(provider));
      const keySets = routes.flatMap((route) => (route.inferredFrom === null ? [] : [[...route.inferredFrom].sort().join("+")]));
      expect(new Set(keySets).size, provider).toBe(keySets.length);
      const prefixes = routes.flatMap((route) => (route.inferredFromModel === undefined ? [] : [route.inferredFromModel]));
      for (const a of prefixes) for (const b of prefixes) if (a !== b) expect(a.startsWith(b), `${provider}: ${a} / ${b}`).toBe(false);
    }
  });

  it("each pair's own sample request (test/helpers/pair-samples.ts), without an invokeType, infers that pair", () => {
    for (const name of Object.keys(PAIRS) as PairName[]) {
      if ((namedOnly as readonly string[]).includes(name)) continue;
      for (const provider of PAIRS[name].providers) {
        const request = { provider, ...PAIR_SAMPLES[name] } as Record<string, unknown>;
        expect(findPair(provider, inferInvokeType(provider, request)), `${provider} ${name}`).toBe(name);
      }
    }
  });

  it("named-only pairs are not inferred: anthropic with messages is messages, fal-ai with image_urls is image-edit-generation", () => {
    expect(inferInvokeType("anthropic", { messages: [], model: "m" })).toBe("messages");
    expect(inferInvokeType("anthropic", { input: "x", model: "m" })).toBe("messages");
    expect(inferInvokeType("fal-ai", { image_urls: ["u"], rotate_right_left: 45 })).toBe("image-edit-generation");
    expect(inferInvokeType("fal-ai", { model: "fal-ai/kling-video/x", prompt: "p" })).toBe("video-generation");
    expect(inferInvokeType("fal-ai", { model: "fal-ai/z-image/turbo", prompt: "p", image_urls: ["u"] })).toBe("image-generation");
    expect(inferInvokeType("fal-ai", { model: "fal-ai/other", prompt: "p" })).toBeUndefined();
  });
});

describe("invokeType inference", () => {
  it.each(asyncCases)("%s is sent as the inferred invoke type, as a task", async (_name, request, invokeType) => {
    const { server, client } = await setup();
    server.invoke = async function* () {
      yield { content: "", rawResponse: JSON.stringify({ task_id: "t-1", status: "processing" }) };
    };
    await invoke(client, request).catch(() => undefined);
    const sent = server.calls[0]!.request as { invokeType: string; extra: Record<string, unknown> };
    expect(sent.invokeType).toBe(invokeType);
    expect(sent.extra["enable_async_task"]).toBe(true);
  });

  it.each(cases)("%s is sent as the inferred invoke type with channel normal", async (_name, request, invokeType) => {
    const { server, client } = await setup();
    await invoke(client, request);
    const sent = server.calls[0]!.request as { invokeType: string; channel: string; provider: string };
    expect(sent).toMatchObject({ invokeType, channel: "normal", provider: (request as { provider: string }).provider });
  });

  it("sends an explicit invokeType and channel as given (Python's generation alias included)", async () => {
    const { server, client } = await setup();
    await invoke(client, { provider: "openai", invokeType: "generation", channel: "openai", model: "m", input: "x", userContext });
    expect(server.calls[0]!.request).toMatchObject({ invokeType: "generation", channel: "openai" });
  });

  it("the seed README's basic example (OpenAI + messages, no invokeType) builds a chat-completions request", async () => {
    const { item } = await buildInvokeRequest(
      { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello!" }], max_tokens: 1000, userContext },
      false,
    );
    expect(item).toMatchObject({ invokeType: "chat-completions", channel: "normal", stream: false });
    expect(item.extra).toEqual({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello!" }], max_tokens: 1000 });
  });

  it("a request whose type cannot be inferred is a ValidationError naming invokeType, before any I/O", async () => {
    const { server, client } = await setup();
    const error = await invoke(client, { provider: "openai", model: "m", userContext } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ path: "invokeType", message: expect.stringContaining("cannot be inferred") }]);
    expect(server.calls).toHaveLength(0);
    expect(client.channel.getConnectivityState(false)).toBe(connectivityState.IDLE);
  });
});
