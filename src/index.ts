export { Channel, InvokeType, ProviderType } from "./enums/index.js";
export type {
  ModelRequest as WireModelRequest,
  ModelRequestItem as WireModelRequestItem,
  ModelResponse as WireModelResponse,
  ModelResponseItem as WireModelResponseItem,
} from "./gen/model_service/model_service.js";
export { ModelServiceDefinition } from "./gen/model_service/model_service.js";
