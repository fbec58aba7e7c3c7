import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { type ModelProvider, type ProviderCall, type ProviderChunk, VIDEO_APIS } from "../provider.js";
import { solidMp4 } from "./mp4.js";
import {
  googleImagesResponse,
  googleVideosOperation,
  offlineOnlyImagesResponse,
  offlineOnlyVideoJob,
  openAIVideoObject,
  openAIImagesResponse,
  textShapeOf,
  type OfflineCounts,
  type OfflineIdentity,
  type TextShape,
} from "./offline-shapes.js";
import { OFFLINE_MAX_WORDS, offlineWords, readOfflinePrompt } from "./offline-text.js";
import { solidPng } from "./png.js";

/** Options of the offline provider. */
export interface OfflineProviderOptions {
  /** Pause before each streamed chunk, in ms; 0 streams as fast as the transport goes. */
  readonly chunkDelayMs: number;
  /** How long a video takes, in ms (video APIs run as tasks). */
  readonly videoDelayMs: number;
}

/**
 * A provider that needs no account and no network: deterministic text derived
 * from the input, streamed one word per chunk, with provider-shaped raw
 * responses and usage; image APIs answer with small valid PNGs, video APIs
 * (after `videoDelayMs`) with small valid one-second MP4s.
 */
export function createOfflineProvider(options: OfflineProviderOptions): ModelProvider {
  return {
    invoke: (call) =>
      textShapeOf(call.api) ? answerText(call, options) : VIDEO_APIS.has(call.api) ? answerVideos(call, options) : answerImages(call),
  };
}

async function* answerText(call: ProviderCall, options: OfflineProviderOptions): AsyncGenerator<ProviderChunk> {
  const shape = textShapeOf(call.api) as TextShape;
  const prompt = readOfflinePrompt(call.api, call.params);
  if (prompt.answerWords > OFFLINE_MAX_WORDS) {
    throw new Error(`the offline provider writes at most ${OFFLINE_MAX_WORDS} tokens; ${prompt.answerWords} were requested`);
  }
  const words = offlineWords(labelOf(call), prompt);
  const identity = identityOf(call, prompt.lastUserText);
  const counts: OfflineCounts = { promptTokens: prompt.promptTokens, completionTokens: words.length };
  const usage = shape.usage(counts);
  const text = words.join(" ");
  if (!call.stream) {
    call.signal.throwIfAborted();
    yield { content: text, usage, raw: shape.whole(identity, text, counts), finishReason: shape.finishReason };
    return;
  }
  for (const [index, word] of words.entries()) {
    if (options.chunkDelayMs > 0) await sleep(options.chunkDelayMs, undefined, { signal: call.signal });
    else call.signal.throwIfAborted();
    const piece = index === 0 ? word : ` ${word}`;
    yield { content: piece, raw: shape.delta(identity, piece, index) };
  }
  yield { content: "", usage, raw: shape.final(identity, text, counts), finishReason: shape.finishReason };
}

async function* answerImages(call: ProviderCall): AsyncGenerator<ProviderChunk> {
  call.signal.throwIfAborted();
  const prompt = readOfflinePrompt(call.api, call.params);
  const identity = identityOf(call, prompt.lastUserText);
  const count = imageCount(call);
  const digest = createHash("sha256").update(prompt.lastUserText).digest();
  const pngs = Array.from({ length: count }, (_, i) =>
    solidPng([digest[i % 32] ?? 0, digest[(i + 1) % 32] ?? 0, digest[(i + 2) % 32] ?? 0]),
  );
  if (call.api === "google.generate-images") {
    // Google reports no usage for images; "{}" says so instead of leaving the
    // field empty, so a stream-minded client still finds usage on the last message.
    yield { content: "", usage: {}, raw: googleImagesResponse(pngs) };
    return;
  }
  if (call.api !== "openai.images.generate" && call.api !== "openai.images.edit") {
    yield { content: "", usage: {}, raw: offlineOnlyImagesResponse(identity, pngs) };
    return;
  }
  const counts: OfflineCounts = { promptTokens: prompt.promptTokens, completionTokens: count };
  const raw = openAIImagesResponse(identity, pngs, call.params["response_format"] === "url", counts);
  yield { content: "", usage: raw.usage, raw };
}

async function* answerVideos(call: ProviderCall, options: OfflineProviderOptions): AsyncGenerator<ProviderChunk> {
  const prompt = readOfflinePrompt(call.api, call.params);
  const identity = identityOf(call, prompt.lastUserText);
  const config = call.params["config"] as Record<string, unknown> | undefined;
  const count = call.api === "google.generate-videos" && typeof config?.["numberOfVideos"] === "number" ? config["numberOfVideos"] : 1;
  await sleep(options.videoDelayMs, undefined, { signal: call.signal });
  const digest = createHash("sha256").update(prompt.lastUserText).digest();
  // A colour from the prompt, kept inside video range (16–240).
  const videos = Array.from({ length: count }, (_, i) => ({
    mimeType: "video/mp4",
    bytes: solidMp4([16 + ((digest[i % 32] ?? 0) % 220), 16 + ((digest[(i + 1) % 32] ?? 0) % 225), 16 + ((digest[(i + 2) % 32] ?? 0) % 225)]),
  }));
  const raw =
    call.api === "openai.videos"
      ? openAIVideoObject(identity, call.params)
      : call.api === "google.generate-videos"
        ? googleVideosOperation(identity, count)
        : offlineOnlyVideoJob(identity);
  yield { content: "", raw, videos };
}

function imageCount(call: ProviderCall): number {
  const config = call.params["config"] as Record<string, unknown> | undefined;
  const requested = call.api === "google.generate-images" ? config?.["numberOfImages"] : (call.params["n"] ?? call.params["num_images"]);
  return typeof requested === "number" ? requested : 1;
}

function labelOf(call: ProviderCall): string {
  const model = call.params["model"];
  return `${call.provider}/${call.invokeType}/${typeof model === "string" && model !== "" ? model : "default"}`;
}

function identityOf(call: ProviderCall, lastUserText: string): OfflineIdentity {
  const model = call.params["model"];
  const digest = createHash("sha256").update(lastUserText).digest("hex").slice(0, 24);
  return {
    id: `offline-${digest}`,
    model: typeof model === "string" && model !== "" ? model : "offline",
    created: Math.floor(Date.now() / 1000),
  };
}
