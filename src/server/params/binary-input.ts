/**
 * Binary inputs as the Python client sends them: `"bytes:<base64>"`, or
 * `[file name, "bytes:<base64>", mime type]` when a file name is known.
 */
import * as v from "valibot";
import type { BinaryFile } from "../providers/provider.js";

const PREFIX = "bytes:";
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const EXPECTED = `"bytes:<base64>" or [file name, "bytes:<base64>", mime type]`;

const bytesText = v.pipe(
  v.string(),
  v.startsWith(PREFIX, `expected ${EXPECTED}`),
  v.check((text) => BASE64.test(text.slice(PREFIX.length)), `must be valid base64 after "${PREFIX}"`),
);

const fileName = v.pipe(
  v.string(),
  v.check((name) => !name.startsWith(PREFIX), "a file name cannot start with \"bytes:\""),
);

const fileTuple = v.tuple([fileName, bytesText, v.string()]);

/** One binary input, decoded. */
export const binaryFileSchema = v.pipe(
  v.union([bytesText, fileTuple], `expected ${EXPECTED}`),
  v.transform((input): BinaryFile => {
    if (typeof input === "string") {
      const bytes = Buffer.from(input.slice(PREFIX.length), "base64");
      const mimeType = sniffImageType(bytes);
      return { kind: "binary-file", fileName: `image.${mimeType.split("/")[1] ?? "bin"}`, mimeType, bytes };
    }
    const [name, data, mimeType] = input;
    return { kind: "binary-file", fileName: name, mimeType, bytes: Buffer.from(data.slice(PREFIX.length), "base64") };
  }),
);

/** One binary input or a non-empty list of them. */
export const binaryFilesSchema = v.union(
  [binaryFileSchema, v.pipe(v.array(binaryFileSchema), v.minLength(1, "must not be empty"))],
  `expected ${EXPECTED}, or a list of those`,
);

// Upload APIs need a real content type; a bare "bytes:" string has none, so
// read it off the magic number of the common image formats.
function sniffImageType(bytes: Buffer): string {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes.toString("ascii", 0, 4) === "RIFF" && bytes.toString("ascii", 8, 12) === "WEBP") return "image/webp";
  if (bytes.toString("ascii", 0, 4) === "GIF8") return "image/gif";
  return "application/octet-stream";
}
