/**
 * tamar-model-client: what an application calls. Middlewares, wire builders
 * and wire types for assembling a nice-grpc client by hand are in
 * `tamar-model-client/middleware`; the reference server is
 * `tamar-model-client/server`. etc/api-report.md lists every export.
 */
export {
  createModelClient,
  type ModelCallOptions,
  type ModelClient,
  type ModelClientOptions,
  type ModelClientSettings,
} from "./client/model-client.js";
export type { CallOptions } from "./client/internal/call.js";
export type { ClientSettings, SettingsOptions, TlsOptions } from "./client/config.js";
export { invoke } from "./client/invoke.js";
export { invokeStream } from "./client/invoke-stream.js";
export { collectStream } from "./client/collect-stream.js";
export { invokeBatch, type BatchResponse } from "./client/invoke-batch.js";
export {
  batchGetTaskStatus,
  getTaskStatus,
  TASK_STATES,
  type TaskState,
  type TaskStatus,
  type TaskStatusOptions,
} from "./client/task-status.js";
export { waitForTask, type WaitForTaskOptions } from "./client/wait-for-task.js";
export type { CreatedTask } from "./client/response/created-task.js";
export { TamarModelClient } from "./client/tamar-model-client.js";
export type { ModelResponse, Usage } from "./client/response/model-response.js";
export type { FinishReason } from "./client/response/normalize-output.js";
export type { TokenUsage } from "./client/response/normalize-usage.js";
export type { ToolCall } from "./client/response/tool-call.js";
export type { Logger } from "./client/middleware/logging.js";
export type { MeterProviderLike, TelemetryOptions, TracerProviderLike } from "./client/telemetry-options.js";
export {
  AuthenticationError,
  CancelledError,
  ClientClosedError,
  ConfigurationError,
  ConflictError,
  DeadlineExceededError,
  IncompleteAnswerError,
  InternalError,
  InvalidArgumentError,
  NotFoundError,
  MessageTooLargeError,
  PermissionDeniedError,
  ProviderError,
  RateLimitError,
  StreamInterruptedError,
  TamarModelError,
  type TamarModelErrorDetails,
  TaskTimeoutError,
  UnavailableError,
  ValidationError,
  type ValidationIssue,
} from "./client/errors.js";
export { Status } from "nice-grpc-common";
export { Channel, InvokeType, ProviderChannels, ProviderType } from "./enums/index.js";
export * from "./schemas/index.js";
