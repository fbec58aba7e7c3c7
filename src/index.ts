export * from "./client/index.js";
export { Channel, InvokeType, ProviderChannels, ProviderType } from "./enums/index.js";
export type {
  ModelRequest as WireModelRequest,
  ModelRequestItem as WireModelRequestItem,
  ModelResponse as WireModelResponse,
  ModelResponseItem as WireModelResponseItem,
} from "./gen/model_service/model_service.js";
export { ModelServiceDefinition } from "./gen/model_service/model_service.js";
export * from "./schemas/index.js";
export { Status } from "nice-grpc-common";
