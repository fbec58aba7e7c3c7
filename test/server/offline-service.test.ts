import { createHash } from "node:crypto";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { authMetadata, collect } from "../helpers/grpc-client.js";
import { startReferenceServer } from "../helpers/reference-server.js";

const PROMPT = "Hello there, offline model";
const DIGEST = createHash("sha256").update(PROMPT).digest("hex").slice(0, 12);
const TINY_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

interface Pair {
  provider: string;
  invokeType: string;
  channel?: string;
  extra: Record<string, unknown>;
  /** Words the answer must have. */
  words?: number;
  /** Model the label names. */
  model: string;
  /** Keys the usage JSON must have. */
  usageKeys: string[];
  image?: "openai" | "google";
}

const chat = (model: string) => ({ model, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: PROMPT }] });

const TEXT_PAIRS: Pair[] = [
  ...["openai", "azure"].flatMap((provider): Pair[] => [
    { provider, invokeType: "chat-completions", extra: chat("gpt-4o-mini"), model: "gpt-4o-mini", usageKeys: ["prompt_tokens", "completion_tokens", "total_tokens"] },
    { provider, invokeType: "chat-completions", extra: { ...chat("gpt-4o"), max_tokens: 5 }, words: 5, model: "gpt-4o", usageKeys: ["prompt_tokens", "completion_tokens", "total_tokens"] },
    { provider, invokeType: "responses", extra: { model: "gpt-4.1", input: PROMPT, max_output_tokens: 9 }, words: 9, model: "gpt-4.1", usageKeys: ["input_tokens", "output_tokens", "total_tokens"] },
    { provider, invokeType: "generation", extra: { model: "gpt-4.1", input: [{ role: "user", content: PROMPT }] }, model: "gpt-4.1", usageKeys: ["input_tokens", "output_tokens", "total_tokens"] },
  ]),
  ...[undefined, "ai-studio", "vertexai"].map(
    (channel): Pair => ({
      provider: "google",
      invokeType: "generation",
      ...(channel ? { channel } : {}),
      // snake_case config as the Python client sends it
      extra: { model: "gemini-2.5-flash", contents: [{ role: "user", parts: [{ text: PROMPT }] }], config: { max_output_tokens: 7 } },
      words: 7,
      model: "gemini-2.5-flash",
      usageKeys: ["promptTokenCount", "candidatesTokenCount", "totalTokenCount"],
    }),
  ),
  { provider: "google", invokeType: "generation", extra: { model: "gemini-2.5-pro", contents: PROMPT }, model: "gemini-2.5-pro", usageKeys: ["promptTokenCount", "candidatesTokenCount", "totalTokenCount"] },
  ...["messages", "generation"].map(
    (invokeType): Pair => ({
      provider: "anthropic",
      invokeType,
      extra: { model: "claude-sonnet-4", max_tokens: 12, messages: [{ role: "user", content: [{ type: "text", text: PROMPT }] }] },
      words: 12,
      model: "claude-sonnet-4",
      usageKeys: ["input_tokens", "output_tokens"],
    }),
  ),
];

const IMAGE_PAIRS: Pair[] = [
  ...["openai", "azure"].flatMap((provider): Pair[] => [
    { provider, invokeType: "image-generation", extra: { prompt: PROMPT, model: "gpt-image-1", n: 2 }, model: "gpt-image-1", usageKeys: ["input_tokens", "output_tokens"], image: "openai", words: 2 },
    {
      provider,
      invokeType: "image-edit-generation",
      extra: { prompt: PROMPT, image: ["fox.png", `bytes:${TINY_PNG.toString("base64")}`, "image/png"], mask: `bytes:${TINY_PNG.toString("base64")}` },
      model: "default",
      usageKeys: ["input_tokens", "output_tokens"],
      image: "openai",
      words: 1,
    },
  ]),
  { provider: "google", invokeType: "image-generation", extra: { model: "imagen-3.0", prompt: PROMPT, number_of_images: 3, aspect_ratio: "1:1" }, model: "imagen-3.0", usageKeys: [], image: "google", words: 3 },
  { provider: "google", invokeType: "image-generation-genai", channel: "vertexai", extra: { model: "imagen-4.0", prompt: PROMPT, config: { numberOfImages: 1 } }, model: "imagen-4.0", usageKeys: [], image: "google", words: 1 },
];

const label = (pair: Pair) => `${pair.provider}/${pair.channel ?? "normal"}/${pair.invokeType} ${JSON.stringify(Object.keys(pair.extra))}`;

function expectOfflineText(text: string, pair: Pair) {
  const words = text.split(" ");
  expect(words[0]).toBe(`[${pair.provider}/${pair.invokeType}/${pair.model}]`);
  expect(words[1]).toBe(`digest:${DIGEST}`);
  expect(words).toHaveLength(pair.words ?? 16);
}

function expectPng(base64: string) {
  const png = Buffer.from(base64, "base64");
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.toString("ascii", 12, 16)).toBe("IHDR");
  const idatLength = png.readUInt32BE(33);
  expect(png.toString("ascii", 37, 41)).toBe("IDAT");
  // 8x8 RGB, one filter byte per row
  expect(inflateSync(png.subarray(41, 41 + idatLength))).toHaveLength(8 * (1 + 8 * 3));
}

describe("offline provider through a real gRPC call", () => {
  it.each(TEXT_PAIRS)("$provider $invokeType (non-stream): one message, deterministic text, usage and raw response", async (pair) => {
    const { client } = await startReferenceServer({ offline: true });
    const messages = await collect(
      client.invoke(
        { provider: pair.provider, channel: pair.channel ?? "normal", invokeType: pair.invokeType, orgId: "org-1", userId: "user-1", extra: pair.extra },
        { metadata: await authMetadata({ "x-request-id": "req-42" }) },
      ),
    );
    expect(messages, label(pair)).toHaveLength(1);
    const [message] = messages as [(typeof messages)[number]];
    expect(message.error).toBe("");
    expect(message.requestId).toBe("req-42");
    expectOfflineText(message.content, pair);
    const usage = JSON.parse(message.usage) as Record<string, number>;
    for (const key of pair.usageKeys) expect(usage[key], key).toBeGreaterThan(0);
    const raw = JSON.parse(message.rawResponse) as Record<string, unknown>;
    expect(JSON.stringify(raw)).toContain(message.content);
  });

  it.each(TEXT_PAIRS)("$provider $invokeType (stream): one word per chunk, usage on the last chunk only", async (pair) => {
    const { client } = await startReferenceServer({ offline: true });
    const request = { provider: pair.provider, channel: pair.channel ?? "normal", invokeType: pair.invokeType, orgId: "org-1", userId: "user-1", extra: pair.extra };
    const chunks = await collect(client.invoke({ ...request, stream: true }, { metadata: await authMetadata() }));
    const [whole] = await collect(client.invoke(request, { metadata: await authMetadata() }));
    const words = pair.words ?? 16;
    expect(chunks).toHaveLength(words + 1);
    expect(chunks.map((chunk) => chunk.content).join("")).toBe(whole?.content);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === "" && chunk.content !== "")).toBe(true);
    const last = chunks.at(-1);
    expect(last?.content).toBe("");
    expect(JSON.parse(last?.usage ?? "")).toEqual(JSON.parse(whole?.usage ?? ""));
    // every chunk carries its provider-shaped event, and a request id the server generated
    for (const chunk of chunks) expect(() => JSON.parse(chunk.rawResponse)).not.toThrow();
    expect(new Set(chunks.map((chunk) => chunk.requestId)).size).toBe(1);
    expect(chunks[0]?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each(IMAGE_PAIRS)("$provider $invokeType answers with valid PNGs", async (pair) => {
    const { client } = await startReferenceServer({ offline: true });
    for (const stream of [false, true]) {
      const messages = await collect(
        client.invoke(
          { provider: pair.provider, channel: pair.channel ?? "normal", invokeType: pair.invokeType, stream, orgId: "org-1", userId: "user-1", extra: pair.extra },
          { metadata: await authMetadata() },
        ),
      );
      expect(messages).toHaveLength(1);
      const raw = JSON.parse(messages[0]?.rawResponse ?? "");
      const images: string[] =
        pair.image === "openai"
          ? raw.data.map((item: { b64_json: string }) => item.b64_json)
          : raw.generatedImages.map((item: { image: { imageBytes: string; mimeType: string } }) => item.image.imageBytes);
      expect(images).toHaveLength(pair.words ?? 1);
      images.forEach(expectPng);
      expect(messages[0]?.usage).not.toBe("");
    }
  });

  it("finish reasons and raw shapes follow each provider", async () => {
    const { client } = await startReferenceServer({ offline: true });
    const metadata = await authMetadata();
    const last = async (provider: string, invokeType: string, extra: Record<string, unknown>) =>
      JSON.parse((await collect(client.invoke({ provider, invokeType, stream: true, orgId: "org-1", userId: "user-1", extra }, { metadata }))).at(-1)?.rawResponse ?? "");
    expect((await last("openai", "chat-completions", chat("m"))).choices[0].finish_reason).toBe("stop");
    expect(await last("openai", "responses", { model: "m", input: PROMPT })).toMatchObject({ type: "response.completed", response: { status: "completed" } });
    expect(await last("anthropic", "messages", { model: "m", max_tokens: 3, messages: [{ role: "user", content: PROMPT }] })).toMatchObject({
      type: "message_delta",
      delta: { stop_reason: "end_turn" },
    });
    expect((await last("google", "generation", { model: "m", contents: PROMPT })).candidates[0].finishReason).toBe("STOP");
  });

  it("streams a 10,000-chunk answer with zero delay", async () => {
    const { client } = await startReferenceServer({ offline: true, offlineChunkDelayMs: 0 });
    let count = 0;
    let last;
    for await (const chunk of client.invoke(
      { provider: "openai", invokeType: "chat-completions", stream: true, orgId: "org-1", userId: "user-1", extra: { ...chat("m"), max_tokens: 10_000 } },
      { metadata: await authMetadata() },
    )) {
      count++;
      last = chunk;
    }
    expect(count).toBe(10_001);
    expect(JSON.parse(last?.usage ?? "").completion_tokens).toBe(10_000);
  });

  it("answers offline without credentials by default, and says why", async () => {
    const { server } = await startReferenceServer();
    expect(server.offline).toBe("no-credentials");
    const forced = await startReferenceServer({ offline: true, env: { OPENAI_API_KEY: "sk-test-0123456789" } });
    expect(forced.server.offline).toBe("forced");
  });
});
