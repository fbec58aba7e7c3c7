import * as v from "valibot";
import { nonEmptyString } from "./fields.js";

const bytes = v.union([v.instance(Uint8Array), v.instance(Blob)]);

/**
 * A file input (OpenAI image edit `image` / `mask`): raw bytes (`Buffer`,
 * `Uint8Array`), a `Blob` / `File`, a `[fileName, bytes, mimeType?]` tuple, a
 * string already in wire form (`"bytes:<base64>"`, or a URL / file id the
 * server understands), or a Tamar `{ file_id }` reference.
 */
export const BinaryInputSchema = v.union([
  bytes,
  nonEmptyString,
  v.strictTuple([v.string(), bytes]),
  v.strictTuple([v.string(), bytes, v.string()]),
  v.strictObject({ file_id: nonEmptyString }),
]);

/** One file input; see {@link BinaryInputSchema}. */
export type BinaryInput = v.InferInput<typeof BinaryInputSchema>;
