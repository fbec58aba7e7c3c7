export type { CallOptions } from "./call.js";
export type { ClientSettings, SettingsOptions, TlsOptions } from "./config.js";
export {
  AuthenticationError,
  CancelledError,
  ClientClosedError,
  ConfigurationError,
  ConflictError,
  DeadlineExceededError,
  errorFromStatus,
  IncompleteAnswerError,
  InternalError,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  ProviderError,
  MessageTooLargeError,
  RateLimitError,
  StreamInterruptedError,
  TamarModelError,
  type TamarModelErrorDetails,
  UnavailableError,
  ValidationError,
  type ValidationIssue,
} from "./errors.js";
export { collectStream } from "./collect-stream.js";
export { invoke } from "./invoke.js";
export { invokeBatch, type BatchResponse } from "./invoke-batch.js";
export { invokeStream } from "./invoke-stream.js";
export { deadlineMiddleware, type DeadlineOptions } from "./middleware/deadline.js";
export { createJwtMiddleware, type JwtCallOptions, type JwtClaimsSource, type JwtMiddlewareSettings } from "./middleware/jwt.js";
export { createLoggingMiddleware, type Logger } from "./middleware/logging.js";
export { requestIdMiddleware, type RequestIdOptions } from "./middleware/request-id.js";
export { backoffDelayMs, streamRetryMiddleware } from "./middleware/stream-retry.js";
export { streamTimeoutsMiddleware, type StreamTimeoutOptions } from "./middleware/stream-timeouts.js";
export { grpcTimeout, wireDeadlineMiddleware } from "./middleware/wire-deadline.js";
export {
  createModelClient,
  type ModelCallOptions,
  type ModelClient,
  type ModelClientOptions,
  type ModelClientSettings,
} from "./model-client.js";
export { buildBatchRequest, buildInvokeRequest } from "./request/build-request.js";
export type { FinishReason } from "./response/normalize-output.js";
export type { TokenUsage } from "./response/normalize-usage.js";
export type { ToolCall } from "./response/tool-call.js";
export { toModelResponse, type ModelResponse, type Usage } from "./response/model-response.js";
export { TamarModelClient } from "./tamar-model-client.js";
export { batchGetTaskStatus, getTaskStatus, type TaskStatus, type TaskStatusOptions } from "./task-status.js";
