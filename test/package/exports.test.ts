// The runtime values each entry exports, by name: the root has what an
// application calls; middlewares and wire builders are in the middleware
// subpath; internals (src/client/internal, the *Entries, route lookups,
// header formatters) are exported by neither. etc/api-report.md has the types.
import { expect, it } from "vitest";
import * as root from "tamar-model-client";
import * as middleware from "tamar-model-client/middleware";

it("the root entry exports the application API and nothing else", () => {
  expect(Object.keys(root).sort()).toEqual([
    "AnthropicContentBlockSchema", "AnthropicMessageSchema", "AnthropicMessagesSchema", "AnthropicToolSchema",
    "AuthenticationError", "BatchRequestSchema", "BflFluxSchema", "BinaryInputSchema", "BytePlusVideoGenerationSchema",
    "CallbackUrlSchema", "CancelledError", "Channel", "CircuitOpenError", "ClientClosedError", "ConfigurationError",
    "ConflictError", "DeadlineExceededError", "FallbackExhaustedError", "FileIdSchema", "FreepikImageUpscalerSchema",
    "GoogleContentSchema", "GoogleContentsSchema", "GoogleGenAIImageGenerationSchema", "GoogleGenAIVideoGenerationSchema",
    "GoogleGenerateContentConfigSchema", "GoogleGenerateImagesConfigSchema", "GoogleGenerateVideosConfigSchema",
    "GoogleGenerationSchema", "GooglePartSchema", "GoogleToolSchema", "GoogleVertexImageGenerationSchema",
    "ImageSizeSchema", "IncompleteAnswerError", "InternalError", "InvalidArgumentError", "InvokeType", "MessageTooLargeError",
    "NotFoundError", "OpenAIChatCompletionsSchema", "OpenAIChatContentPartSchema", "OpenAIChatMessageSchema",
    "OpenAIChatToolSchema", "OpenAIImageEditSchema", "OpenAIImageGenerationSchema", "OpenAIResponsesContentPartSchema",
    "OpenAIResponsesInputItemSchema", "OpenAIResponsesSchema", "OpenAIResponsesToolSchema", "OpenAIVideoGenerationSchema",
    "PermissionDeniedError", "ProviderChannels", "ProviderError", "ProviderType", "RateLimitError", "RemoteFileSchema",
    "RequestPairs", "Status", "StreamInterruptedError", "TASK_STATES", "TamarModelClient", "TamarModelError",
    "TaskTimeoutError", "UnavailableError", "UncheckedAsyncRequestSchema", "UncheckedBatchItemSchema", "UncheckedCallSchema",
    "UncheckedRequestSchema", "UserContextSchema", "ValidationError", "batchGetTaskStatus", "collectStream",
    "createModelClient", "getTaskStatus", "invoke", "invokeBatch", "invokeStream", "waitForTask",
  ]);
});

it("the middleware entry exports the middlewares, the wire builders and the service definition", () => {
  expect(Object.keys(middleware).sort()).toEqual([
    "ModelServiceDefinition", "buildBatchRequest", "buildInvokeRequest", "createJwtMiddleware", "createLoggingMiddleware",
    "deadlineMiddleware", "errorFromStatus", "requestIdMiddleware", "streamRetryMiddleware", "streamTimeoutsMiddleware",
    "toModelResponse", "wireDeadlineMiddleware",
  ]);
});

it("no entry exports an internal", () => {
  for (const name of ["grpcTimeout", "backoffDelayMs", "findRequestPair", "inferInvokeType", "invokeTypesOf", "extend", "OpenAIChatCompletionsEntries", "RequestRoutingEntries"]) {
    expect(name in root || name in middleware, name).toBe(false);
  }
});
