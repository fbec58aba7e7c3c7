// google.protobuf.Struct straight from a JSON-like object to its wire bytes.
// ts-proto's Struct.encode(Struct.wrap(object)) first builds a Struct, a
// FieldsEntry and a Value message for every key and item, then writes them
// with a fork and a join per nested message; for the `extra` of every request
// that garbage is most of what encoding the request costs. This writes the
// same bytes in two passes: the sizes of the nested messages first (in the
// order the writing needs them), then the bytes into one buffer.
//
// The bytes are ts-proto's, case for case: keys in Object.keys order, a
// `__proto__` key dropped (ts-proto's wrap assigns it onto a plain object,
// where it is no own key), `undefined` members left out and `undefined` list
// items written as an empty Value, every other non-JSON type refused with
// ts-proto's error.

// Wire tags: (field number << 3) | wire type.
const STRUCT_FIELDS = 10; // Struct.fields = 1, length-delimited (a FieldsEntry)
const ENTRY_KEY = 10; // FieldsEntry.key = 1, length-delimited
const ENTRY_VALUE = 18; // FieldsEntry.value = 2, length-delimited
const LIST_VALUES = 10; // ListValue.values = 1, length-delimited
const NULL_VALUE = 8; // Value.null_value = 1, varint
const NUMBER_VALUE = 17; // Value.number_value = 2, 64-bit
const STRING_VALUE = 26; // Value.string_value = 3, length-delimited
const BOOL_VALUE = 32; // Value.bool_value = 4, varint
const STRUCT_VALUE = 42; // Value.struct_value = 5, length-delimited
const LIST_VALUE = 50; // Value.list_value = 6, length-delimited

type JsonObject = Record<string, unknown>;

/** The sizes the writing pass reads, in its order; `next` is its cursor. */
interface Sizes {
  readonly list: number[];
  next: number;
}

/** Bytes of `value` (a non-negative 32-bit integer) as a varint. */
export function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/** A length-delimited field's whole size (tag, length, body). */
export function delimited(bodySize: number): number {
  return 1 + varintSize(bodySize) + bodySize;
}

// Short ASCII strings, most keys and many values, are measured and copied in
// JavaScript: a call into Buffer's native code costs more than the loop.
const SHORT = 64;

/** Bytes of `text` in UTF-8 (a lone surrogate as the three of U+FFFD, as Buffer and TextEncoder write it). */
export function utf8Length(text: string): number {
  if (text.length > SHORT) return Buffer.byteLength(text);
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) >= 0x80) return Buffer.byteLength(text);
  }
  return text.length;
}

function reserve(sizes: number[]): number {
  return sizes.push(0) - 1;
}

function measureStruct(object: object, sizes: number[]): number {
  let size = 0;
  for (const key of Object.keys(object)) {
    const value = (object as JsonObject)[key];
    if (value === undefined || key === "__proto__") continue;
    const entryAt = reserve(sizes);
    let entry = 0;
    if (key !== "") {
      const keyBytes = utf8Length(key);
      sizes.push(keyBytes);
      entry += delimited(keyBytes);
    }
    const valueAt = reserve(sizes);
    const valueSize = measureValue(value, sizes);
    sizes[valueAt] = valueSize;
    entry += delimited(valueSize);
    sizes[entryAt] = entry;
    size += delimited(entry);
  }
  return size;
}

function measureList(list: readonly unknown[], sizes: number[]): number {
  let size = 0;
  // Holes too, as ts-proto's for…of reads them: undefined, an empty Value.
  for (let index = 0; index < list.length; index++) {
    const valueAt = reserve(sizes);
    const valueSize = measureValue(list[index], sizes);
    sizes[valueAt] = valueSize;
    size += delimited(valueSize);
  }
  return size;
}

/** The size of a Value's body; records the sizes inside it. */
function measureValue(value: unknown, sizes: number[]): number {
  if (value === null) return 2;
  switch (typeof value) {
    case "boolean":
      return 2;
    case "number":
      return 9;
    case "string": {
      const bytes = utf8Length(value);
      sizes.push(bytes);
      return delimited(bytes);
    }
    case "object": {
      const at = reserve(sizes);
      const inner = Array.isArray(value) ? measureList(value, sizes) : measureStruct(value, sizes);
      sizes[at] = inner;
      return delimited(inner);
    }
    case "undefined":
      return 0;
    default:
      throw new Error(`Unsupported any value type: ${typeof value}`);
  }
}

/** Writes `value` (a non-negative 32-bit integer) as a varint at `at`; returns the position after it. */
export function writeVarint(out: Buffer, at: number, value: number): number {
  while (value > 0x7f) {
    out[at++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  out[at++] = value;
  return at;
}

/** Writes `text`, `bytes` long in UTF-8 ({@link utf8Length}), at `at`; returns the position after it. */
export function writeUtf8(out: Buffer, at: number, text: string, bytes: number): number {
  if (bytes !== text.length || bytes > SHORT) return at + out.write(text, at, bytes);
  for (let index = 0; index < bytes; index++) out[at++] = text.charCodeAt(index);
  return at;
}

/** Writes a string field: `tag`, then `text` length-delimited (`bytes` long in UTF-8); returns the position after it. */
export function writeTextField(out: Buffer, at: number, tag: number, text: string, bytes: number): number {
  out[at++] = tag;
  at = writeVarint(out, at, bytes);
  return writeUtf8(out, at, text, bytes);
}

function writeString(out: Buffer, at: number, tag: number, text: string, sizes: Sizes): number {
  return writeTextField(out, at, tag, text, sizes.list[sizes.next++]!);
}

/**
 * `out` came from Buffer.allocUnsafe, sized by the measuring pass: a writing
 * pass that stopped short would send uninitialised memory, so it fails instead.
 */
export function checkFilled(out: Buffer, end: number): Buffer {
  if (end !== out.byteLength) throw new Error(`wire writer: wrote ${end} of the ${out.byteLength} bytes measured`);
  return out;
}

function writeStruct(out: Buffer, at: number, object: object, sizes: Sizes): number {
  for (const key of Object.keys(object)) {
    const value = (object as JsonObject)[key];
    if (value === undefined || key === "__proto__") continue;
    out[at++] = STRUCT_FIELDS;
    at = writeVarint(out, at, sizes.list[sizes.next++]!);
    if (key !== "") at = writeString(out, at, ENTRY_KEY, key, sizes);
    out[at++] = ENTRY_VALUE;
    at = writeVarint(out, at, sizes.list[sizes.next++]!);
    at = writeValue(out, at, value, sizes);
  }
  return at;
}

function writeValue(out: Buffer, at: number, value: unknown, sizes: Sizes): number {
  if (value === null) {
    out[at++] = NULL_VALUE;
    out[at++] = 0;
    return at;
  }
  switch (typeof value) {
    case "boolean":
      out[at++] = BOOL_VALUE;
      out[at++] = value ? 1 : 0;
      return at;
    case "number":
      out[at++] = NUMBER_VALUE;
      return out.writeDoubleLE(value, at);
    case "string":
      return writeString(out, at, STRING_VALUE, value, sizes);
    case "object": {
      const list = Array.isArray(value);
      out[at++] = list ? LIST_VALUE : STRUCT_VALUE;
      at = writeVarint(out, at, sizes.list[sizes.next++]!);
      if (!list) return writeStruct(out, at, value, sizes);
      for (let index = 0; index < value.length; index++) {
        out[at++] = LIST_VALUES;
        at = writeVarint(out, at, sizes.list[sizes.next++]!);
        at = writeValue(out, at, value[index], sizes);
      }
      return at;
    }
    default:
      return at;
  }
}

/**
 * `prefix` followed by `object` as a length-delimited google.protobuf.Struct
 * field with wire tag `tag` — the bytes ts-proto writes for that field of a
 * message whose last field it is.
 */
export function appendStructField(prefix: Uint8Array, tag: number, object: object): Buffer {
  const list: number[] = [];
  const body = measureStruct(object, list);
  const out = Buffer.allocUnsafe(prefix.byteLength + delimited(body));
  out.set(prefix, 0);
  let at = prefix.byteLength;
  out[at++] = tag;
  at = writeVarint(out, at, body);
  return checkFilled(out, writeStruct(out, at, object, { list, next: 0 }));
}
