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

/** A Tamar file store reference (the Python SDK's `TamarFileIdInput`), as it travels: `{ file_id }`. */
export const FileIdSchema = v.strictObject({ file_id: nonEmptyString });

/**
 * A file the provider fetches itself (fal.ai `image_url`, Freepik `image`, …):
 * a URL, a data URL or base64 text as that provider takes it, or a Tamar
 * `{ file_id }` reference.
 */
export const RemoteFileSchema = v.union([nonEmptyString, FileIdSchema]);

/** One remote file input; see {@link RemoteFileSchema}. */
export type RemoteFile = v.InferInput<typeof RemoteFileSchema>;
