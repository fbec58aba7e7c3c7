/**
 * Raw responses of the offline provider, shaped like each provider's real
 * response (non-stream) and stream events, so a client's finish-reason and
 * usage handling runs end to end against them. The offline model always
 * finishes normally ("stop", "completed", "end_turn", "STOP").
 */
import type { ModelApi } from "../provider.js";

/** Token counts of one offline answer. */
export interface OfflineCounts {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** Identity of one offline answer, stable for a given request. */
export interface OfflineIdentity {
  readonly id: string;
  readonly model: string;
  readonly created: number;
}

/** How one text API looks on the wire. */
export interface TextShape {
  usage(counts: OfflineCounts): unknown;
  /** The whole non-stream response. */
  whole(identity: OfflineIdentity, text: string, counts: OfflineCounts): unknown;
  /** The stream event carrying one piece of text. */
  delta(identity: OfflineIdentity, piece: string, index: number): unknown;
  /** The stream's final event: finish reason and usage, no text. */
  final(identity: OfflineIdentity, text: string, counts: OfflineCounts): unknown;
  /** The finish reason, as the provider spells it. */
  readonly finishReason: string;
}

const chatCompletions: TextShape = {
  finishReason: "stop",
  usage: ({ promptTokens, completionTokens }) => ({
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  }),
  whole: (identity, text, counts) => ({
    id: identity.id,
    object: "chat.completion",
    created: identity.created,
    model: identity.model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: text, refusal: null },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: chatCompletions.usage(counts),
  }),
  delta: (identity, piece, index) => ({
    id: identity.id,
    object: "chat.completion.chunk",
    created: identity.created,
    model: identity.model,
    choices: [
      {
        index: 0,
        delta: index === 0 ? { role: "assistant", content: piece } : { content: piece },
        logprobs: null,
        finish_reason: null,
      },
    ],
  }),
  final: (identity, _text, counts) => ({
    id: identity.id,
    object: "chat.completion.chunk",
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }],
    usage: chatCompletions.usage(counts),
  }),
};

function responseObject(identity: OfflineIdentity, text: string, counts: OfflineCounts) {
  return {
    id: identity.id,
    object: "response",
    created_at: identity.created,
    status: "completed",
    model: identity.model,
    output: [
      {
        type: "message",
        id: `msg_${identity.id}`,
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text, annotations: [] }],
      },
    ],
    output_text: text,
    incomplete_details: null,
    error: null,
    usage: responses.usage(counts),
  };
}

const responses: TextShape = {
  finishReason: "completed",
  usage: ({ promptTokens, completionTokens }) => ({
    input_tokens: promptTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: completionTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: promptTokens + completionTokens,
  }),
  whole: responseObject,
  delta: (identity, piece, index) => ({
    type: "response.output_text.delta",
    item_id: `msg_${identity.id}`,
    output_index: 0,
    content_index: 0,
    delta: piece,
    sequence_number: index + 1,
  }),
  final: (identity, text, counts) => ({
    type: "response.completed",
    response: responseObject(identity, text, counts),
  }),
};

const anthropicMessages: TextShape = {
  finishReason: "end_turn",
  usage: ({ promptTokens, completionTokens }) => ({ input_tokens: promptTokens, output_tokens: completionTokens }),
  whole: (identity, text, counts) => ({
    id: identity.id,
    type: "message",
    role: "assistant",
    model: identity.model,
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: anthropicMessages.usage(counts),
  }),
  delta: (_identity, piece) => ({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: piece } }),
  final: (_identity, _text, counts) => ({
    type: "message_delta",
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: anthropicMessages.usage(counts),
  }),
};

function geminiResponse(identity: OfflineIdentity, text: string, finishReason?: string, counts?: OfflineCounts) {
  return {
    candidates: [
      { content: { role: "model", parts: [{ text }] }, index: 0, ...(finishReason ? { finishReason } : {}) },
    ],
    ...(counts ? { usageMetadata: generateContent.usage(counts) } : {}),
    modelVersion: identity.model,
    responseId: identity.id,
  };
}

const generateContent: TextShape = {
  finishReason: "STOP",
  usage: ({ promptTokens, completionTokens }) => ({
    promptTokenCount: promptTokens,
    candidatesTokenCount: completionTokens,
    totalTokenCount: promptTokens + completionTokens,
  }),
  whole: (identity, text, counts) => geminiResponse(identity, text, "STOP", counts),
  delta: (identity, piece) => geminiResponse(identity, piece),
  final: (identity, _text, counts) => geminiResponse(identity, "", "STOP", counts),
};

/** The text shape of an API, or undefined for image APIs. */
export function textShapeOf(api: ModelApi): TextShape | undefined {
  switch (api) {
    case "openai.chat-completions":
      return chatCompletions;
    case "openai.responses":
      return responses;
    case "anthropic.messages":
      return anthropicMessages;
    case "google.generate-content":
      return generateContent;
    default:
      return undefined;
  }
}

/** An OpenAI images response (`b64_json`, or a data URL when `response_format` is "url"). */
export function openAIImagesResponse(identity: OfflineIdentity, pngs: readonly Buffer[], asUrl: boolean, counts: OfflineCounts) {
  return {
    created: identity.created,
    data: pngs.map((png) =>
      asUrl ? { url: `data:image/png;base64,${png.toString("base64")}` } : { b64_json: png.toString("base64") },
    ),
    output_format: "png",
    usage: openAIImagesUsage(counts),
  };
}

/** Usage of an OpenAI images response (gpt-image-1 style). */
export function openAIImagesUsage({ promptTokens, completionTokens }: OfflineCounts) {
  return {
    input_tokens: promptTokens,
    input_tokens_details: { text_tokens: promptTokens, image_tokens: 0 },
    output_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/** A `@google/genai` GenerateImagesResponse. */
export function googleImagesResponse(pngs: readonly Buffer[]) {
  return {
    generatedImages: pngs.map((png) => ({ image: { imageBytes: png.toString("base64"), mimeType: "image/png" } })),
  };
}

/** OpenAI's `Video` object of a finished offline video job. */
export function openAIVideoObject(identity: OfflineIdentity, params: Readonly<Record<string, unknown>>) {
  return {
    id: `video_${identity.id}`,
    object: "video",
    status: "completed",
    model: identity.model,
    progress: 100,
    prompt: typeof params["prompt"] === "string" ? params["prompt"] : null,
    seconds: typeof params["seconds"] === "string" ? params["seconds"] : "4",
    size: typeof params["size"] === "string" ? params["size"] : "720x1280",
    created_at: identity.created,
    completed_at: identity.created,
    expires_at: null,
    error: null,
    remixed_from_video_id: null,
  };
}

/** Google's finished `generateVideos` operation; the videos themselves travel as the task's `videos`. */
export function googleVideosOperation(identity: OfflineIdentity, count: number) {
  return {
    name: `models/${identity.model}/operations/${identity.id}`,
    done: true,
    response: { generatedVideos: Array.from({ length: count }, () => ({ video: { mimeType: "video/mp4" } })) },
  };
}

/**
 * The answer of an image API of an offline-only backend (fal.ai, Freepik,
 * BFL): fal's `{ images: [{ url, content_type }] }`, the PNGs as data URLs.
 * These providers report no token usage.
 */
export function offlineOnlyImagesResponse(identity: OfflineIdentity, pngs: readonly Buffer[]) {
  return {
    id: identity.id,
    model: identity.model,
    images: pngs.map((png) => ({ url: `data:image/png;base64,${png.toString("base64")}`, content_type: "image/png" })),
  };
}

/** The finished job of a video API of an offline-only backend (BytePlus, fal.ai). */
export function offlineOnlyVideoJob(identity: OfflineIdentity) {
  return { id: identity.id, model: identity.model, status: "succeeded" };
}
