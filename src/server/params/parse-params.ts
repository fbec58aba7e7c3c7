/**
 * What every server parameter module shares: the field checks the server
 * itself reads (model names, counts, caller headers), the Python client's
 * request options, and the parsers that turn one API's `extra` into provider
 * parameters or an INVALID_ARGUMENT naming the field.
 */
import * as v from "valibot";
import { failedPrecondition, invalidArgument as invalid } from "../grpc/status-errors.js";
import type { UpstreamOptions } from "../providers/provider.js";
import { toGoogleCase } from "./google-case.js";

/** Parameters ready for a provider, and the HTTP options for its upstream call. */
export interface ParsedParams {
  readonly params: Record<string, unknown>;
  readonly upstream: UpstreamOptions;
}

/** Validates one API's `extra`; throws INVALID_ARGUMENT naming the field. */
export type ParamsParser = (extra: Readonly<Record<string, unknown>>, context: string) => ParsedParams;

export const modelName = v.pipe(v.string(), v.nonEmpty("must not be empty"));
export const positiveInt = v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1, "must be at least 1"));
export const optionalPositiveInt = v.optional(v.nullable(positiveInt));
export const turns = v.array(v.looseObject({ role: v.string() }));

// Headers that carry the server's provider credentials: a caller may not replace them.
const CREDENTIAL_HEADERS = new Set(["authorization", "api-key", "x-api-key", "x-goog-api-key"]);

const callerHeaders = v.pipe(
  v.record(v.string(), v.string()),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    for (const name of Object.keys(dataset.value)) {
      if (CREDENTIAL_HEADERS.has(name.toLowerCase())) {
        addIssue({ message: "the server's provider credentials cannot be replaced", path: [{ type: "object", origin: "value", input: dataset.value, key: name, value: dataset.value[name] }] });
      }
    }
  }),
);

// What a caller may set of a Google call's HTTP options. The rest (baseUrl,
// apiVersion, retryOptions, …) would steer the server's own request: a caller
// could send it, with the server's API key, anywhere.
export const googleHttpOptions = v.optional(
  v.nullable(
    v.strictObject(
      {
        headers: v.optional(callerHeaders),
        timeout: v.optional(v.pipe(v.number(), v.gtValue(0, "must be a positive number of milliseconds"))),
        extraBody: v.optional(v.record(v.string(), v.unknown())),
      },
      "only headers, timeout and extraBody can be set: the server owns the rest of its provider requests",
    ),
  ),
);

// Python-client parameters that steer the HTTP call rather than the model.
const requestOptions = v.object({
  extra_headers: v.optional(v.nullable(callerHeaders)),
  extra_query: v.optional(v.nullable(v.record(v.string(), v.union([v.string(), v.number(), v.boolean()])))),
  extra_body: v.optional(v.nullable(v.record(v.string(), v.unknown()))),
  timeout: v.optional(v.nullable(v.pipe(v.number(), v.gtValue(0, "must be a positive number of seconds")))),
});
const REQUEST_OPTION_KEYS = ["extra_headers", "extra_query", "extra_body", "timeout"] as const;

/** A parser for an API called through an official SDK that takes the request options. */
export function sdkParams(schema: v.GenericSchema<Record<string, unknown>, Record<string, unknown>>): ParamsParser {
  return (extra, context) => {
    const { extra_headers, extra_query, extra_body, timeout } = parseWith(requestOptions, pick(extra, REQUEST_OPTION_KEYS), context).params;
    const rest = omit(extra, REQUEST_OPTION_KEYS);
    const { params } = parseWith(schema, { ...rest, ...extra_body }, context);
    const upstream: { headers?: Record<string, string>; query?: Record<string, string>; timeoutMs?: number } = {};
    if (extra_headers) upstream.headers = extra_headers;
    if (extra_query) upstream.query = Object.fromEntries(Object.entries(extra_query).map(([k, value]) => [k, String(value)]));
    if (timeout != null) upstream.timeoutMs = Math.ceil(timeout * 1000);
    return { params, upstream };
  };
}

/**
 * Refuses `{ file_id }` in `fields`. It names a file in the Tamar file store of
 * a full Model Manager; this server has none, so it cannot fetch the bytes. A
 * precondition of the deployment, not a malformed request: FAILED_PRECONDITION
 * saying what to send.
 */
export function refusingFileReferences(fields: readonly string[], parse: ParamsParser): ParamsParser {
  return (extra, context) => {
    for (const field of fields) {
      const value = extra[field];
      const files = Array.isArray(value) ? value : [value];
      const index = files.findIndex((file) => typeof file === "object" && file !== null && !Array.isArray(file) && "file_id" in file);
      if (index === -1) continue;
      const path = Array.isArray(value) ? `extra.${field}.${index}` : `extra.${field}`;
      throw failedPrecondition(
        `${path}: { file_id } references a file store, and this server has none (${context} needs the file itself): send the bytes instead — a Buffer, Blob or [name, bytes, mime type] in the TypeScript client, "bytes:<base64>" on the wire`,
      );
    }
    return parse(extra, context);
  };
}

/** A parser for a @google/genai API: keys made camelCase, unknown top-level keys refused with a hint. */
export function googleParams(
  schema: v.ObjectSchema<v.ObjectEntries, undefined>,
  apiName: string,
  hint: string,
): ParamsParser {
  const known = Object.keys(schema.entries);
  return (extra, context) => {
    const normalised = toGoogleCase(extra) as Record<string, unknown>;
    const unknown = Object.keys(normalised).filter((key) => !known.includes(key));
    if (unknown.length > 0) {
      throw invalid(`extra.${unknown[0]}: not a parameter of ${apiName} (expected ${known.join(", ")}); ${hint}`);
    }
    return parseWith(schema, normalised, context);
  };
}

/** Parses `input` with `schema`; throws INVALID_ARGUMENT naming up to three fields. */
export function parseWith<T extends Record<string, unknown>>(
  schema: v.GenericSchema<unknown, T>,
  input: unknown,
  context: string,
): { params: T; upstream: UpstreamOptions } {
  const result = v.safeParse(schema, input);
  if (result.success) return { params: result.output, upstream: {} };
  throw invalid(result.issues.slice(0, 3).map((issue) => describeIssue(issue, context)).join("; "));
}

function describeIssue(issue: v.BaseIssue<unknown>, context: string): string {
  const path = v.getDotPath(issue);
  const field = path ? `extra.${path}` : "extra";
  // A missing key: reported by the (loose_/strict_)object schema holding it.
  if (issue.input === undefined && issue.type.endsWith("object")) return `${field} is required for ${context}`;
  return `${field}: ${issue.message}`;
}

function pick(record: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => key in record).map((key) => [key, record[key]]));
}

function omit(record: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
}

/**
 * A parser for an HTTP API the server has no official SDK for (fal.ai,
 * Freepik, BFL, BytePlus): the required fields checked, the rest passed as sent.
 */
export function plainParams(schema: v.GenericSchema<Record<string, unknown>, Record<string, unknown>>): ParamsParser {
  return (extra, context) => parseWith(schema, extra, context);
}

/** A file a provider fetches itself: a URL or base64 text, or a Tamar `{ file_id }`. */
export const remoteFile = v.union(
  [v.pipe(v.string(), v.nonEmpty("must not be empty")), v.looseObject({ file_id: v.pipe(v.string(), v.nonEmpty("must not be empty")) })],
  "expected a URL or { file_id }",
);
