export { AnthropicMessagesEntries, AnthropicMessagesSchema } from "./anthropic-messages.js";
export { AsyncTaskEntries, CallbackUrlSchema } from "./async-task.js";
export { BatchRequestSchema, type BatchRequest } from "./batch-request.js";
export { BinaryInputSchema, type BinaryInput } from "./binary-input.js";
export {
  GoogleGenAIImageGenerationEntries,
  GoogleGenAIImageGenerationSchema,
  GoogleGenerateImagesConfigSchema,
} from "./google-genai-image-generation.js";
export {
  GoogleGenAIVideoGenerationEntries,
  GoogleGenAIVideoGenerationSchema,
  GoogleGenerateVideosConfigSchema,
} from "./google-genai-video-generation.js";
export {
  GoogleContentsSchema,
  GoogleGenerateContentConfigSchema,
  GoogleGenerationEntries,
  GoogleGenerationSchema,
} from "./google-generation.js";
export { GoogleVertexImageGenerationEntries, GoogleVertexImageGenerationSchema } from "./google-vertex-image-generation.js";
export {
  BatchItemRoutingEntries,
  RequestPairs,
  RequestRoutingEntries,
  type AcceptReadonly,
  type AsyncInvokeRequest,
  type AsyncInvokeRequestOf,
  type BatchItem,
  type DirectPairName,
  type InvokeRequest,
  type InvokeRequestOf,
  type RequestPairName,
} from "./invoke-request.js";
export { OpenAIChatCompletionsEntries, OpenAIChatCompletionsSchema } from "./openai-chat-completions.js";
export { OpenAIImageEditEntries, OpenAIImageEditSchema } from "./openai-image-edit.js";
export { ImageSizeSchema, OpenAIImageGenerationEntries, OpenAIImageGenerationSchema } from "./openai-image-generation.js";
export { OpenAIResponsesEntries, OpenAIResponsesSchema } from "./openai-responses.js";
export { OpenAIVideoGenerationEntries, OpenAIVideoGenerationSchema } from "./openai-video-generation.js";
export { findRequestPair, inferInvokeType, invokeTypesOf } from "./resolve-request-pair.js";
export { UserContextSchema, type UserContext } from "./user-context.js";
