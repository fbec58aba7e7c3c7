// The client's request bytes. Each is what nice-grpc's ts-proto support
// writes (fromPartial first, so a request missing a field encodes as its
// default instead of failing), with ModelRequestItem's `extra` — its last
// field — written by struct-wire.ts instead of through ts-proto's Struct
// messages, which cost most of a request's encoding and its garbage.
import type { ServiceDefinition } from "nice-grpc";
import { ModelRequest, ModelRequestItem, ModelServiceDefinition } from "../../gen/model_service/model_service.js";
import { appendStructField, writeVarint, varintSize } from "../../internal/struct-wire.js";

// ModelRequestItem.extra: field 10, length-delimited.
const EXTRA_TAG = (10 << 3) | 2;
// ModelRequest.items: field 1, length-delimited; the message's only field.
const ITEMS_TAG = (1 << 3) | 2;

function itemBytes(message: ModelRequestItem): Buffer {
  const extra = message.extra;
  if (extra === undefined) {
    const bytes = ModelRequestItem.encode(message).finish();
    // grpc-js copies the message with Buffer methods: a view of the same bytes, not a copy.
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  message.extra = undefined;
  const head = ModelRequestItem.encode(message).finish();
  message.extra = extra;
  return appendStructField(head, EXTRA_TAG, extra);
}

/** An Invoke request's bytes. */
export function encodeRequestItem(value: ModelRequestItem): Buffer {
  return itemBytes(ModelRequestItem.fromPartial(value));
}

/** A BatchInvoke request's bytes. */
export function encodeModelRequest(value: ModelRequest): Buffer {
  const items = ModelRequest.fromPartial(value).items.map(itemBytes);
  let size = 0;
  for (const item of items) size += 1 + varintSize(item.byteLength) + item.byteLength;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const item of items) {
    out[at++] = ITEMS_TAG;
    at = writeVarint(out, at, item.byteLength);
    out.set(item, at);
    at += item.byteLength;
  }
  return out;
}

type Fns = { decode(bytes: Uint8Array): unknown; encode(value: unknown): { finish(): Uint8Array }; fromPartial(value: unknown): unknown };

const REQUEST_SERIALIZERS: Record<string, (value: never) => Uint8Array> = { invoke: encodeRequestItem, batchInvoke: encodeModelRequest };

/**
 * ModelService for the client's nice-grpc chain: the generated definition as
 * nice-grpc converts it itself (service-definitions/ts-proto.js), with the
 * requests above written by this module.
 */
export const clientServiceDefinition: ServiceDefinition = Object.fromEntries(
  Object.entries(ModelServiceDefinition.methods).map(([key, method]) => {
    const requestType = method.requestType as unknown as Fns;
    const responseType = method.responseType as unknown as Fns;
    return [
      key,
      {
        path: `/${ModelServiceDefinition.fullName}/${method.name}`,
        requestStream: method.requestStream,
        responseStream: method.responseStream,
        requestSerialize: REQUEST_SERIALIZERS[key] ?? ((value: unknown) => requestType.encode(requestType.fromPartial(value)).finish()),
        requestDeserialize: requestType.decode,
        responseSerialize: (value: unknown) => responseType.encode(responseType.fromPartial(value)).finish(),
        responseDeserialize: responseType.decode,
        options: method.options,
      },
    ];
  }),
);
