/**
 * tamar-model-client/middleware: the client's behaviours as nice-grpc client
 * middlewares, and the wire builders and types, for assembling a raw nice-grpc
 * ModelService client. `createModelClient` (the root entry) builds this chain
 * for you.
 */
export { deadlineMiddleware, type DeadlineOptions } from "./client/middleware/deadline.js";
export { wireDeadlineMiddleware } from "./client/middleware/wire-deadline.js";
export { streamTimeoutsMiddleware, type StreamTimeoutOptions } from "./client/middleware/stream-timeouts.js";
export { streamRetryMiddleware } from "./client/middleware/stream-retry.js";
export { requestIdMiddleware, type RequestIdOptions } from "./client/middleware/request-id.js";
export {
  createJwtMiddleware,
  type JwtCallOptions,
  type JwtClaimsSource,
  type JwtMiddlewareSettings,
} from "./client/middleware/jwt.js";
export { createLoggingMiddleware, type Logger } from "./client/middleware/logging.js";
export {
  buildBatchRequest,
  buildInvokeRequest,
  type BuiltBatchRequest,
  type BuiltInvokeRequest,
} from "./client/request/build-request.js";
export { toModelResponse } from "./client/response/model-response.js";
export { errorFromStatus } from "./client/errors.js";
export { ModelServiceDefinition } from "./gen/model_service/model_service.js";
export type {
  ModelRequest as WireModelRequest,
  ModelRequestItem as WireModelRequestItem,
  ModelResponse as WireModelResponse,
  ModelResponseItem as WireModelResponseItem,
} from "./gen/model_service/model_service.js";
