/**
 * Provider APIs a request can target. Values are the wire strings of
 * `ModelRequestItem.invoke_type`; plain string literals work too.
 */
export const InvokeType = {
  /** OpenAI / Azure Responses API (`input`). */
  RESPONSES: "responses",
  /** OpenAI / Azure Chat Completions API (`messages`). */
  CHAT_COMPLETIONS: "chat-completions",
  /** Anthropic Messages API. */
  MESSAGES: "messages",
  /** Google `generateContent` (`contents`); the original wire default. */
  GENERATION: "generation",
  /** OpenAI / Azure image generation, Google Vertex AI Imagen (`prompt`). */
  IMAGE_GENERATION: "image-generation",
  /** OpenAI / Azure image edit (`image` + `prompt`). */
  IMAGE_EDIT_GENERATION: "image-edit-generation",
  /** Google `generateImages` through the Gen AI SDK (`model` + `prompt`). */
  IMAGE_GENERATION_GENAI: "image-generation-genai",
  /** OpenAI / Azure videos (`videos.create`), always an asynchronous task. */
  VIDEO_GENERATION: "video-generation",
  /** Google `generateVideos` through the Gen AI SDK, always an asynchronous task. */
  VIDEO_GENERATION_GENAI: "video-generation-genai",
} as const;

/** An invoke type wire value, e.g. `"chat-completions"`. */
export type InvokeType = (typeof InvokeType)[keyof typeof InvokeType];
