// Makes provider parameters safe for google.protobuf.Struct, which would
// otherwise crash on bigint, turn a Date or a Map into {}, turn undefined in a
// list into an empty Value and round unsafe integers. Binary inputs become the
// wire forms existing servers read: "bytes:<base64>" or
// [fileName, "bytes:<base64>", mimeType].
import type { ValidationIssue } from "../../schemas/validate-request.js";

type Path = (string | number)[];

/**
 * Collects problems while walking a value, and the Blobs met on the way: each
 * is left as a placeholder object, to be replaced by its wire form once read
 * (reading a Blob is asynchronous).
 */
export interface StructWalk {
  readonly issues: ValidationIssue[];
  readonly blobs: Map<object, Blob>;
}

const pathText = (path: Path) => path.join(".");

// Protobuf decoders stop at 100 nested messages (ts-proto, as in this SDK's
// server; upb and C++, as in Python servers): deeper data is refused as
// undecodable, and walking it unbounded would overflow the stack first. A
// top-level value of `extra` sits at level 5 in a batch (ModelRequest >
// ModelRequestItem > Struct > entry > Value); each object below it adds 3
// levels (Struct > entry > Value), each list 2 (ListValue > Value).
const MAX_PROTOBUF_DEPTH = 100;
const EXTRA_VALUE_LEVEL = 5;

const bytesToWire = (bytes: Uint8Array) =>
  `bytes:${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")}`;

async function blobToWire(blob: Blob): Promise<unknown> {
  const data = bytesToWire(new Uint8Array(await blob.arrayBuffer()));
  if (blob instanceof File) return [blob.name || "file", data, blob.type || "application/octet-stream"];
  // A typed Blob keeps its type the way a file would, as the Python SDK did.
  if (blob.type) return [`file.${blob.type.split("/")[1] ?? "bin"}`, data, blob.type];
  return data;
}

function describe(value: unknown): string {
  if (typeof value === "object" && value !== null) return value.constructor?.name ?? "object";
  return typeof value;
}

/**
 * Returns `value` as plain JSON data for a Struct, or reports why it cannot
 * be sent. `path` is the location of `value` (mutated during the walk, restored
 * on return); `ancestors` detects cycles; `level` is the protobuf nesting
 * level of the value.
 */
export function toStructValue(
  value: unknown,
  path: Path,
  walk: StructWalk,
  ancestors = new Set<object>(),
  level = EXTRA_VALUE_LEVEL,
): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) {
        walk.issues.push({ path: pathText(path), message: `${value} cannot be sent (only finite numbers)` });
      } else if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
        walk.issues.push({
          path: pathText(path),
          message: `${value} is beyond 2^53 and would lose precision as a protobuf double; send it as a string`,
        });
      }
      return value;
    case "object":
      break;
    default:
      walk.issues.push({ path: pathText(path), message: `a ${typeof value} cannot be sent; use JSON data` });
      return undefined;
  }
  if (value === null) return null;
  if (value instanceof Uint8Array) return bytesToWire(value);
  if (value instanceof Blob) {
    const placeholder = {};
    walk.blobs.set(placeholder, value);
    return placeholder;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) walk.issues.push({ path: pathText(path), message: "invalid Date" });
    // As JSON.stringify (and so the provider SDKs) would send it.
    else return value.toISOString();
    return undefined;
  }
  if (ancestors.has(value)) {
    walk.issues.push({ path: pathText(path), message: "circular reference" });
    return undefined;
  }
  if (level + 1 > MAX_PROTOBUF_DEPTH) {
    walk.issues.push({
      path: pathText(path),
      message: `nested deeper than protobuf decoders accept (${MAX_PROTOBUF_DEPTH} message levels: about 32 levels of objects or 48 of lists in extra)`,
    });
    return undefined;
  }
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return arrayToStruct(value, path, walk, ancestors, level + 2);
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      walk.issues.push({ path: pathText(path), message: `a ${describe(value)} cannot be sent; use plain JSON data` });
      return undefined;
    }
    const out: Record<string, unknown> = {};
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined) continue;
      path.push(key);
      if (key === "__proto__") {
        // Assigning it sets a prototype instead of a field, here and in the generated Struct code: it would vanish.
        walk.issues.push({ path: pathText(path), message: 'the key "__proto__" cannot be sent: JavaScript objects take it as their prototype, not as data' });
        path.pop();
        continue;
      }
      out[key] = toStructValue(item, path, walk, ancestors, level + 3);
      path.pop();
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}

function arrayToStruct(value: unknown[], path: Path, walk: StructWalk, ancestors: Set<object>, level: number): unknown[] {
  const out = new Array<unknown>(value.length);
  for (let index = 0; index < value.length; index++) {
    path.push(index);
    if (value[index] === undefined) {
      // Dropping it would shift the following items; null would change meaning.
      walk.issues.push({ path: pathText(path), message: "undefined inside a list cannot be sent" });
    } else {
      out[index] = toStructValue(value[index], path, walk, ancestors, level);
    }
    path.pop();
  }
  return out;
}

/** Reads the Blobs of a walk and puts their wire forms in place of their placeholders. */
export async function resolveBlobs(value: unknown, blobs: ReadonlyMap<object, Blob>): Promise<unknown> {
  const wire = new Map<object, unknown>();
  await Promise.all([...blobs].map(async ([placeholder, blob]) => wire.set(placeholder, await blobToWire(blob))));
  const replace = (item: unknown): unknown => {
    if (typeof item !== "object" || item === null) return item;
    if (wire.has(item)) return wire.get(item);
    if (Array.isArray(item)) return item.map(replace);
    const out: Record<string, unknown> = {};
    for (const key in item) out[key] = replace((item as Record<string, unknown>)[key]);
    return out;
  };
  return replace(value);
}
