// The smallest valid request of each (provider, invoke type) pair of the route
// table, without routing fields (provider, invokeType, userContext). One place
// for every test that walks the pairs; a pair added to the table without a
// sample here fails to compile.
import type { AsyncInvokeRequestOf, DirectPairName, InvokeRequestOf, RequestPairName } from "tamar-model-client";

export const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A sample's parameters: a direct call's, or an asynchronous one's for video pairs. */
export type PairSample<K extends RequestPairName> = Omit<
  K extends DirectPairName ? InvokeRequestOf<K> : AsyncInvokeRequestOf<K>,
  "provider" | "invokeType" | "userContext"
>;

export const PAIR_SAMPLES: { readonly [K in RequestPairName]: PairSample<K> } = {
  openaiChatCompletions: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] },
  openaiResponses: { model: "gpt-4o-mini", input: "Hi" },
  openaiImageGeneration: { prompt: "a cat" },
  openaiImageEdit: { prompt: "a hat on the cat", image: PNG_BYTES },
  openaiVideoGeneration: { prompt: "a cat", model: "sora-2", enableAsyncTask: true },
  googleGeneration: { model: "gemini-2.0-flash", contents: "Hi" },
  googleVertexImageGeneration: { model: "imagen-3.0-generate-002", prompt: "a cat" },
  googleGenAIImageGeneration: { model: "imagen-3.0-generate-002", prompt: "a cat", config: { numberOfImages: 1 } },
  googleGenAIVideoGeneration: { model: "veo-3.0-generate-001", prompt: "a cat", enableAsyncTask: true },
  anthropicMessages: { model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] },
  anthropicChatCompletions: { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "Hi" }], max_tokens: 100 },
  anthropicResponses: { model: "claude-sonnet-4-5", input: "Hi" },
  resellerGoogleGeneration: { model: "gemini-2.5-flash", contents: [{ role: "user", parts: [{ text: "Hi" }] }] },
  resellerVideoGeneration: { prompt: "a cat", model: "sora-2", enableAsyncTask: true },
  freepikImageUpscaler: { image: { file_id: "file-42" }, scale_factor: 4, flavor: "photo" },
  bytePlusVideoGeneration: {
    model: "seedance-1-0-pro",
    content: [
      { type: "text", text: "a cat" },
      { type: "image_url", image_url: { url: "https://example.com/cat.png" }, role: "first_frame" },
    ],
    enableAsyncTask: true,
  },
  falZImageGeneration: { model: "fal-ai/z-image/turbo", prompt: "a cat", image_size: { width: 512, height: 512 }, loras: [{ path: "https://example.com/l.safetensors", scale: 0.5 }] },
  falSam3ImageSegmentation: { model: "fal-ai/sam-3/image", image_url: "https://example.com/cat.png", point_prompts: [{ x: 10, y: 20, label: 1 }] },
  falQwenImageEdit: { image_urls: ["https://example.com/cat.png", { file_id: "file-7" }], prompt: "add a hat" },
  falQwenImageEditMultiAngle: { image_urls: ["https://example.com/cat.png"], rotate_right_left: 45 },
  falQwenImageLayered: { prompt: "split it", image_url: "https://example.com/cat.png", num_layers: 3 },
  falWanVideoReplace: { video_url: "https://example.com/dance.mp4", image_url: { file_id: "file-9" }, enableAsyncTask: true },
  falKlingVideoGeneration: { model: "fal-ai/kling-video/v2.1/standard/text-to-video", prompt: "a cat", duration: "5", enableAsyncTask: true },
  falSam3VideoSegmentation: { model: "fal-ai/sam-3/video", video_url: "https://example.com/dance.mp4", prompt: "the dancer", enableAsyncTask: true },
  bflImageGeneration: { prompt: "a cat", model: "flux-pro-1.1", aspect_ratio: "16:9" },
  bflImageEdit: { prompt: "a hat on the cat", input_image: "https://example.com/cat.png", model: "flux-kontext-pro" },
};
