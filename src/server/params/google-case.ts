/**
 * The Python client sends Google `config` and `contents` as pydantic dumps,
 * with snake_case keys (`max_output_tokens`, `inline_data`); `@google/genai`
 * reads camelCase only and silently ignores the rest. This converts the SDK's
 * own keys while leaving user data alone.
 */
import { camelCaseKey } from "../../internal/camel-case.js";

// Values that are user data: their keys (and everything below) stay as sent.
const OPAQUE_KEYS = new Set([
  "args",
  "response",
  "responseJsonSchema",
  "parametersJsonSchema",
  "responseJsonSchemaDict",
  "labels",
  "default",
  "example",
  "metadata",
]);

// Maps whose keys are user-chosen names but whose values are SDK objects.
const NAMED_MAP_KEYS = new Set(["properties", "defs", "$defs"]);

// Base64 fields: the Python client sends bytes as "bytes:<base64>", the
// Gemini API wants the bare base64 text.
const BASE64_KEYS = new Set(["data", "imageBytes", "videoBytes"]);

/** Converts SDK keys to camelCase, recursively, except inside user data. */
export function toGoogleCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toGoogleCase);
  if (typeof value !== "object" || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [rawKey, item] of Object.entries(value)) {
    const key = camelCaseKey(rawKey);
    if (OPAQUE_KEYS.has(key)) {
      result[key] = item;
    } else if (NAMED_MAP_KEYS.has(key) && typeof item === "object" && item !== null && !Array.isArray(item)) {
      result[key] = Object.fromEntries(Object.entries(item).map(([name, schema]) => [name, toGoogleCase(schema)]));
    } else if (BASE64_KEYS.has(key) && typeof item === "string" && item.startsWith("bytes:")) {
      result[key] = item.slice("bytes:".length);
    } else {
      result[key] = toGoogleCase(item);
    }
  }
  return result;
}
