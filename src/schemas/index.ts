// The request schemas and the types inferred from them. The `*Entries` objects
// they are built from stay inside: they are how, not what.
export { AnthropicMessagesSchema } from "./anthropic-messages.js";
export { CallbackUrlSchema } from "./async-task.js";
export { BatchRequestSchema, type BatchRequest } from "./batch-request.js";
export { BinaryInputSchema, FileIdSchema, RemoteFileSchema, type BinaryInput, type RemoteFile } from "./binary-input.js";
export { GoogleGenAIImageGenerationSchema, GoogleGenerateImagesConfigSchema } from "./google-genai-image-generation.js";
export { GoogleContentsSchema, GoogleGenerateContentConfigSchema, GoogleGenerationSchema } from "./google-generation.js";
export { GoogleGenAIVideoGenerationSchema, GoogleGenerateVideosConfigSchema } from "./google-genai-video-generation.js";
export { GoogleVertexImageGenerationSchema } from "./google-vertex-image-generation.js";
export {
  RequestPairs,
  type OpenAIChatRequest,
  type OpenAIResponsesRequest,
  type OpenAIImageGenerationRequest,
  type OpenAIImageEditRequest,
  type OpenAIVideoGenerationRequest,
  type GoogleGenerationRequest,
  type GoogleVertexImageGenerationRequest,
  type GoogleGenAIImageGenerationRequest,
  type GoogleGenAIVideoGenerationRequest,
  type AnthropicMessagesRequest,
  type AnthropicChatCompletionsRequest,
  type AnthropicResponsesRequest,
  type ResellerGoogleGenerationRequest,
  type ResellerVideoGenerationRequest,
  type FreepikImageUpscalerRequest,
  type BytePlusVideoGenerationRequest,
  type FalZImageRequest,
  type FalSam3ImageSegmentationRequest,
  type FalQwenImageEditRequest,
  type FalQwenImageEditMultiAngleRequest,
  type FalQwenImageLayeredRequest,
  type FalWanVideoReplaceRequest,
  type FalKlingVideoRequest,
  type FalSam3VideoSegmentationRequest,
  type BflImageGenerationRequest,
  type BflImageEditRequest,

  type AsyncInvokeRequest,
  type AsyncInvokeRequestOf,
  type BatchItem,
  type DirectPairName,
  type InvokeRequest,
  type InvokeRequestOf,
  type RequestPairName,
} from "./invoke-request.js";
export { OpenAIChatCompletionsSchema } from "./openai-chat-completions.js";
export { OpenAIImageEditSchema } from "./openai-image-edit.js";
export { ImageSizeSchema, OpenAIImageGenerationSchema } from "./openai-image-generation.js";
export { OpenAIResponsesSchema } from "./openai-responses.js";
export { OpenAIVideoGenerationSchema } from "./openai-video-generation.js";
export { UserContextSchema, type UserContext } from "./user-context.js";
export {
  UncheckedAsyncRequestSchema,
  UncheckedBatchItemSchema,
  UncheckedCallSchema,
  UncheckedRequestSchema,
  type UncheckedAsyncInvokeRequest,
  type UncheckedBatchItem,
  type UncheckedCall,
  type UncheckedInvokeRequest,
} from "./unchecked-request.js";
