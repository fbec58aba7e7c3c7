// The request bytes of Invoke and BatchInvoke, as the client sends them and
// as the server's dedup key hashes them. Each is what nice-grpc's ts-proto
// support writes (fromPartial first, so a request missing a field encodes as
// its default instead of failing), with ModelRequestItem's `extra` — its last
// field — written by struct-wire.ts instead of through ts-proto's Struct
// messages, which cost most of a request's encoding and its garbage.
import { ModelRequest, ModelRequestItem } from "../gen/model_service/model_service.js";
import { appendStructField, checkFilled, delimited, writeVarint } from "./struct-wire.js";

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
  for (const item of items) size += delimited(item.byteLength);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const item of items) {
    out[at++] = ITEMS_TAG;
    at = writeVarint(out, at, item.byteLength);
    out.set(item, at);
    at += item.byteLength;
  }
  return checkFilled(out, at);
}
