// Building blocks shared by the provider parameter schemas. Kept small and
// generic on purpose: top-level provider fields are checked strictly, nested
// provider structures only where a mistake is common (roles, content shapes).
import * as v from "valibot";
import { MAX_IDENTIFIER_CHARS } from "../internal/bounded-text.js";

const isPlainObject = (input: unknown): input is object =>
  typeof input === "object" && input !== null && !Array.isArray(input);

/**
 * Any non-array object. Typed as `object` (not an index signature) so values
 * typed with the provider SDKs' interfaces are accepted as they are.
 */
export const anObject = v.custom<object>(isPlainObject, "Invalid type: Expected an object");

/**
 * An object whose known entries are checked and whose other keys pass
 * through unchanged.
 *
 * Typed as `Plain | Plain & {[key: string]: unknown}`: the plain member accepts
 * provider SDK interfaces (which have no index signature), the indexed one lets
 * object literals carry provider fields this schema does not list.
 */
export function openObject<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  type Input = v.InferInput<v.ObjectSchema<TEntries, undefined>>;
  type Open = Input | (Input & { [key: string]: unknown });
  return v.looseObject(entries) as unknown as v.GenericSchema<Open, Open>;
}

/** A string that must not be empty (prompts, content). */
export const nonEmptyString = v.pipe(v.string(), v.nonEmpty("must not be empty"));

/** A name or id (model, org / user id, client type, custom id): not empty, at most 256 characters. */
export const identifier = v.pipe(
  v.string(),
  v.nonEmpty("must not be empty"),
  v.maxLength(MAX_IDENTIFIER_CHARS, (issue) => `must be at most ${MAX_IDENTIFIER_CHARS} characters, got ${issue.input.length}`),
);

// Optional provider fields accept `null` as the provider SDKs do; a top-level
// `null` means "not set" and is not sent (see the request builder).
export const optionalNumber = v.nullish(v.number());
export const optionalInteger = v.nullish(v.pipe(v.number(), v.integer()));
export const optionalString = v.nullish(v.string());
export const optionalBoolean = v.nullish(v.boolean());
export const optionalObject = v.nullish(anObject);
export const optionalObjectList = v.nullish(v.array(anObject));
export const optionalStringList = v.nullish(v.array(v.string()));
export const optionalStringRecord = v.nullish(v.record(v.string(), v.string()));

/** An optional field restricted to the given wire values. */
export const optionalOneOf = <const T extends string[]>(values: T) => v.nullish(v.picklist(values));

/**
 * The per-request escape hatches of the OpenAI and Anthropic SDKs. `extra_body`
 * is where a provider parameter newer than this SDK goes: its keys are merged
 * into the provider request body by the server's SDK.
 */
export const sdkRequestOptionEntries = {
  extra_body: optionalObject,
  extra_headers: v.nullish(v.record(v.string(), v.nullable(v.string()))),
  extra_query: v.nullish(v.record(v.string(), v.unknown())),
};

/**
 * A provider object checked only for its `type` (and the given fields): typed
 * as those fields, alone (SDK interfaces have no index signature) or with any
 * others (object literals carrying the provider's fields).
 */
export type PassedThrough<TFields extends object> = TFields | (TFields & { readonly [key: string]: unknown });

/** One loose object per `type` value, for a `v.variant` on `type`; type it with {@link PassedThrough}. */
export const passThroughTypes = <const T extends string>(types: readonly T[]) => types.map((type) => v.looseObject({ type: v.literal(type) }));

/**
 * One of several object shapes, picked by looking at the input (`choose`),
 * so that a mistake is reported against the shape the caller meant (its
 * missing and unknown fields) rather than against every shape at once.
 */
export function shapeOf<const TOptions extends readonly v.GenericSchema[]>(options: TOptions, choose: (input: unknown) => TOptions[number]) {
  // Anything but a plain object is none of the shapes (valibot's object schemas would take a list).
  // The options stay on the schema for tools that walk schemas (the fuzzer).
  const schema = v.lazy((input) => (isPlainObject(input) ? choose(input) : objectOnly)) as unknown as v.LazySchema<TOptions[number]>;
  return Object.assign(schema, { options });
}

const objectOnly = v.custom<never>(isPlainObject, (issue) => `Invalid type: Expected Object but received ${issue.received}`);

/** The value of `key` when `input` is a plain object. */
export const keyOf = (input: unknown, key: string): unknown =>
  typeof input === "object" && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>)[key] : undefined;
