// A deliberately tiny protobuf writer, independent of the generated code, so
// the wire-compatibility tests build bytes from the original field numbers
// rather than from the code under test.

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;

/** One encoded field: key (number + wire type) followed by its payload. */
export type Field = Uint8Array;

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value; // callers pass non-negative integers only
  do {
    let byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    out.push(byte);
  } while (rest > 0);
  return out;
}

function key(fieldNumber: number, wireType: number): number[] {
  return varint(fieldNumber * 8 + wireType);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function uintField(fieldNumber: number, value: number): Field {
  return Uint8Array.from([...key(fieldNumber, VARINT), ...varint(value)]);
}

export function boolField(fieldNumber: number, value: boolean): Field {
  return uintField(fieldNumber, value ? 1 : 0);
}

export function doubleField(fieldNumber: number, value: number): Field {
  const payload = new Uint8Array(8);
  new DataView(payload.buffer).setFloat64(0, value, true);
  return concat(Uint8Array.from(key(fieldNumber, FIXED64)), payload);
}

export function bytesField(fieldNumber: number, payload: Uint8Array): Field {
  return concat(Uint8Array.from([...key(fieldNumber, LENGTH_DELIMITED), ...varint(payload.length)]), payload);
}

export function stringField(fieldNumber: number, value: string): Field {
  return bytesField(fieldNumber, new TextEncoder().encode(value));
}

export function messageField(fieldNumber: number, ...fields: Field[]): Field {
  return bytesField(fieldNumber, concat(...fields));
}

// google.protobuf.Struct: map<string, Value> fields = 1; a map entry is
// { key = 1, value = 2 }. Value: null_value = 1, number_value = 2,
// string_value = 3, bool_value = 4, struct_value = 5, list_value = 6.
// ListValue: repeated Value values = 1.

/** One entry of a Struct: `name` → the encoded Value fields `value`. */
export const structEntry = (name: string, value: Field) => messageField(1, stringField(1, name), messageField(2, value));
