import { encodeModelResponse, encodeResponseItem } from "../../internal/response-wire.js";
import { wireServiceDefinition } from "../../internal/wire-service-definition.js";

/** ModelService as the server serves it, its answers written by response-wire.ts. */
export const serverServiceDefinition = wireServiceDefinition({ responses: { invoke: encodeResponseItem, batchInvoke: encodeModelResponse } });
