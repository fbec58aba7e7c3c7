// The answer bytes of Invoke and BatchInvoke, as the server sends them: what
// nice-grpc's ts-proto support writes (fromPartial, then encode), measured
// first and written into one buffer. ts-proto's writer starts small and
// doubles, so an answer with a provider's raw response of a few hundred bytes
// cost several fresh buffers and a copy at the end; these messages are only
// strings, so their size is known before writing.
import type { ModelResponse, ModelResponseItem } from "../gen/model_service/model_service.js";
import { checkFilled, delimited, utf8Length, writeTextField, writeVarint } from "./struct-wire.js";

type Fields<T> = { readonly [K in keyof T]?: T[K] | undefined };

// ModelResponseItem's fields in ts-proto's order, all strings: 1 content,
// 2 usage, 3 raw_response, 4 error (written unless ""), 5 custom_id and
// 6 request_id (optional: written unless undefined, even when "").
const ITEM_FIELDS = ["content", "usage", "rawResponse", "error", "customId", "requestId"] as const;
const FIRST_OPTIONAL = 4;
// ModelResponse: 1 request_id (written unless ""), 2 items (each a length-delimited ModelResponseItem).
const RESPONSE_REQUEST_ID_TAG = (1 << 3) | 2;
const RESPONSE_ITEMS_TAG = (2 << 3) | 2;

const tagOf = (index: number) => ((index + 1) << 3) | 2;

/** The fields of `item` as written (undefined: left out), and their UTF-8 sizes. */
interface Measured {
  readonly texts: Array<string | undefined>;
  readonly bytes: number[];
  readonly size: number;
}

function measureItem(item: Fields<ModelResponseItem>): Measured {
  const texts: Array<string | undefined> = [];
  const bytes: number[] = [];
  let size = 0;
  for (let index = 0; index < ITEM_FIELDS.length; index++) {
    const value: unknown = item[ITEM_FIELDS[index]!] ?? (index < FIRST_OPTIONAL ? "" : undefined);
    // ts-proto's writer turns any other value into text the same way.
    const text = value === undefined || (index < FIRST_OPTIONAL && value === "") ? undefined : typeof value === "string" ? value : String(value);
    texts.push(text);
    const length = text === undefined ? 0 : utf8Length(text);
    bytes.push(length);
    if (text !== undefined) size += delimited(length);
  }
  return { texts, bytes, size };
}

function writeItem(out: Buffer, at: number, measured: Measured): number {
  for (let index = 0; index < ITEM_FIELDS.length; index++) {
    const text = measured.texts[index];
    if (text !== undefined) at = writeTextField(out, at, tagOf(index), text, measured.bytes[index]!);
  }
  return at;
}

/** An Invoke answer's bytes. */
export function encodeResponseItem(value: Fields<ModelResponseItem>): Buffer {
  const measured = measureItem(value);
  const out = Buffer.allocUnsafe(measured.size);
  return checkFilled(out, writeItem(out, 0, measured));
}

/** A BatchInvoke answer's bytes. */
export function encodeModelResponse(value: Fields<Omit<ModelResponse, "items">> & { readonly items?: readonly Fields<ModelResponseItem>[] | undefined }): Buffer {
  const requestId: unknown = value.requestId ?? "";
  const id = requestId === "" ? undefined : typeof requestId === "string" ? requestId : String(requestId);
  const idBytes = id === undefined ? 0 : utf8Length(id);
  // A hole in the items is read as undefined and fails with a TypeError, as ts-proto's encode of it does.
  const items = Array.from(value.items ?? [], measureItem);
  let size = id === undefined ? 0 : delimited(idBytes);
  for (const item of items) size += delimited(item.size);
  const out = Buffer.allocUnsafe(size);
  let at = id === undefined ? 0 : writeTextField(out, 0, RESPONSE_REQUEST_ID_TAG, id, idBytes);
  for (const item of items) {
    out[at++] = RESPONSE_ITEMS_TAG;
    at = writeVarint(out, at, item.size);
    at = writeItem(out, at, item);
  }
  return checkFilled(out, at);
}
