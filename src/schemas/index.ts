// The request schemas and the types inferred from them. The `*Entries` objects
// they are built from stay inside: they are how, not what.
export {
  AnthropicContentBlockSchema,
  AnthropicMessageSchema,
  AnthropicMessagesSchema,
  AnthropicToolSchema,
  type AnthropicContentBlock,
  type AnthropicDocumentBlock,
  type AnthropicImageBlock,
  type AnthropicRedactedThinkingBlock,
  type AnthropicTextBlock,
  type AnthropicThinkingBlock,
  type AnthropicToolResultBlock,
  type AnthropicToolUseBlock,
  type AnthropicConversationMessage,
  type AnthropicMessage,
  type AnthropicSystemMessage,
  type AnthropicTool,
  type AnthropicMessagesParams,
} from "./anthropic-messages.js";
export { BflFluxSchema, type BflFluxParams } from "./bfl-flux.js";
export { BytePlusVideoGenerationSchema, type BytePlusVideoGenerationParams } from "./byteplus-video-generation.js";
export {
  type FalZImageParams,
  type FalSam3ImageParams,
  type FalSam3VideoParams,
  type FalQwenImageEditParams,
  type FalQwenImageEditMultiAngleParams,
  type FalQwenImageLayeredParams,
  type FalWanVideoReplaceParams,
  type FalKlingVideoParams,
} from "./fal-ai.js";
export { FreepikImageUpscalerSchema, type FreepikImageUpscalerParams } from "./freepik-image-upscaler.js";
export { CallbackUrlSchema } from "./async-task.js";
export { BatchRequestSchema, type BatchRequest } from "./batch-request.js";
export { BinaryInputSchema, FileIdSchema, RemoteFileSchema, type BinaryInput, type RemoteFile } from "./binary-input.js";
export { GoogleGenAIImageGenerationSchema, GoogleGenerateImagesConfigSchema, type GoogleGenAIImageGenerationParams } from "./google-genai-image-generation.js";
export {
  GoogleContentSchema,
  GoogleContentsSchema,
  GoogleGenerateContentConfigSchema,
  GoogleGenerationSchema,
  GooglePartSchema,
  GoogleToolSchema,
  type GoogleCallableTool,
  type GoogleContent,
  type GooglePart,
  type GoogleTool,
  type GoogleGenerationParams,
} from "./google-generation.js";
export { GoogleGenAIVideoGenerationSchema, GoogleGenerateVideosConfigSchema, type GoogleGenAIVideoGenerationParams } from "./google-genai-video-generation.js";
export { GoogleVertexImageGenerationSchema, type GoogleVertexImageGenerationParams } from "./google-vertex-image-generation.js";
export {
  RequestPairs,
  type DirectCall,
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
export {
  OpenAIChatCompletionsSchema,
  OpenAIChatContentPartSchema,
  OpenAIChatMessageSchema,
  OpenAIChatToolSchema,
  type OpenAIChatContentPart,
  type OpenAIChatAssistantMessage,
  type OpenAIChatAudioPart,
  type OpenAIChatDeveloperMessage,
  type OpenAIChatFilePart,
  type OpenAIChatFunctionMessage,
  type OpenAIChatImagePart,
  type OpenAIChatMessage,
  type OpenAIChatSystemMessage,
  type OpenAIChatTextPart,
  type OpenAIChatToolMessage,
  type OpenAIChatUserMessage,
  type OpenAIChatTool,
  type OpenAIChatCompletionsParams,
} from "./openai-chat-completions.js";
export { OpenAIImageEditSchema, type OpenAIImageEditParams } from "./openai-image-edit.js";
export { ImageSizeSchema, OpenAIImageGenerationSchema, type OpenAIImageGenerationParams } from "./openai-image-generation.js";
export {
  OpenAIResponsesContentPartSchema,
  OpenAIResponsesInputItemSchema,
  OpenAIResponsesSchema,
  OpenAIResponsesToolSchema,
  type OpenAIResponsesContentPart,
  type OpenAIResponsesInputItem,
  type OpenAIResponsesTool,
  type OpenAIResponsesParams,
} from "./openai-responses.js";
export { OpenAIVideoGenerationSchema, type OpenAIVideoGenerationParams } from "./openai-video-generation.js";
export { UserContextSchema, type UserContext } from "./user-context.js";
export type { RequestSchema } from "./request-schema.js";
export type { AsyncTaskFields, BatchItemRouting, CallRouting } from "./routing-fields.js";
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
