import { encodeModelRequest, encodeRequestItem } from "../../internal/request-wire.js";
import { wireServiceDefinition } from "../../internal/wire-service-definition.js";

/** ModelService for the client's nice-grpc chain, its requests written by request-wire.ts. */
export const clientServiceDefinition = wireServiceDefinition({ requests: { invoke: encodeRequestItem, batchInvoke: encodeModelRequest } });
