/**
 * fast-check arbitraries for SDK requests, derived from the valibot schemas
 * themselves (`RequestPairs`): every field a schema lists, with values of the
 * kind it declares, so a new field or pair is fuzzed without touching this
 * file. Plus the ways to break a valid request (a missing field, a wrong
 * type, an unknown key, a hostile value) with the path each one must be
 * reported at.
 */
import fc from "fast-check";
import type * as v from "valibot";
import { RequestPairs, type RequestPairName } from "tamar-model-client";
import { findPair as findRequestPair, inferInvokeType } from "../../../src/routes/find-pair.js";

type AnySchema = v.GenericSchema & {
  type: string;
  wrapped?: AnySchema;
  options?: unknown[];
  item?: AnySchema;
  items?: AnySchema[];
  entries?: Record<string, AnySchema>;
  key?: AnySchema;
  value?: AnySchema;
  class?: unknown;
  pipe?: Array<AnySchema & { kind: string; requirement?: unknown }>;
};

export type Request = Record<string, unknown>;

export const PAIR_NAMES = Object.keys(RequestPairs) as RequestPairName[];

/** The pairs a single call (all) or a batch item (those that answer directly) can use. */
export const pairNamesOf = (item: boolean) => (item ? PAIR_NAMES.filter((pair) => !RequestPairs[pair].asyncOnly) : PAIR_NAMES);

const OPTIONAL_WRAPPERS = new Set(["optional", "nullish", "exact_optional"]);

/** True when an object entry may be left out. */
export const isOptional = (schema: AnySchema) => OPTIONAL_WRAPPERS.has(schema.type);

// Keys a free-form object may have; `__proto__` cannot survive a plain object
// and is a hostile value of its own (below).
const freeKey = fc.string({ maxLength: 8 }).filter((key) => key !== "__proto__");
// Well-formed text, ASCII or any grapheme (emoji, RTL, combining marks, NUL).
const text = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: "grapheme", maxLength: 6 }));
// Numbers a protobuf double carries exactly: finite, and integers within 2^53.
const finiteNumber = fc.oneof(fc.integer(), fc.double({ min: -1e9, max: 1e9, noNaN: true }));

/** Any JSON value (nested up to `depth`), as a provider parameter may hold. */
export const jsonValue = (depth = 2): fc.Arbitrary<unknown> =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", maxDepth: depth },
      text,
      finiteNumber,
      fc.boolean(),
      fc.constant(null),
      fc.array(tie("value"), { maxLength: 3 }),
      fc.dictionary(freeKey, tie("value"), { maxKeys: 3 }),
    ),
  })).value;

const freeObject = fc.dictionary(freeKey, jsonValue(), { maxKeys: 3 });

function actionsOf(schema: AnySchema) {
  return (schema.pipe ?? []).slice(1);
}

function stringArbitrary(schema: AnySchema): fc.Arbitrary<string> {
  const actions = actionsOf(schema);
  if (actions.some((action) => action.type === "regex")) return fc.constantFrom("auto", "1024x1024", "256x256", "1536x1024");
  // The one checked string is a callback URL.
  if (actions.some((action) => action.type === "check")) return fc.webUrl({ validSchemes: ["http", "https"] });
  const nonEmpty = actions.some((action) => action.type === "non_empty" || action.type === "min_length");
  return nonEmpty ? text.filter((value) => value.length > 0) : text;
}

function numberArbitrary(schema: AnySchema): fc.Arbitrary<number> {
  const actions = actionsOf(schema);
  const requirement = (type: string) => actions.find((action) => action.type === type)?.requirement as number | undefined;
  if (actions.some((action) => action.type === "integer")) {
    return fc.integer({ min: Math.max(requirement("min_value") ?? -1e6, -(2 ** 31)), max: Math.min(requirement("max_value") ?? 1e6, 2 ** 31 - 1) });
  }
  return finiteNumber;
}

/** A valid value for `schema` (one level of optional wrapping already removed by the caller when it decides presence). */
export function valueArbitrary(schema: AnySchema): fc.Arbitrary<unknown> {
  switch (schema.type) {
    case "string":
      return stringArbitrary(schema);
    case "number":
      return numberArbitrary(schema);
    case "boolean":
      return fc.boolean();
    case "literal":
      return fc.constant((schema as unknown as { literal: unknown }).literal);
    case "picklist":
      return fc.constantFrom(...(schema.options as string[]));
    case "optional":
    case "exact_optional":
      return valueArbitrary(schema.wrapped!);
    case "nullish":
    case "nullable":
      return fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: valueArbitrary(schema.wrapped!) });
    case "array": {
      const minLength = (actionsOf(schema).find((action) => action.type === "min_length")?.requirement as number | undefined) ?? 0;
      return fc.array(valueArbitrary(schema.item!), { minLength, maxLength: minLength + 2 });
    }
    case "strict_object":
    case "object":
    case "loose_object":
      return objectArbitrary(schema.entries!);
    case "custom":
      return freeObject; // anObject: any object
    case "union":
    case "variant":
    // shapeOf (src/schemas/fields.ts): one of its options, picked by the input
    case "lazy":
      return fc.oneof(...(schema.options as AnySchema[]).map(valueArbitrary));
    case "record":
      return fc.dictionary(freeKey, valueArbitrary(schema.value!), { maxKeys: 3 });
    case "instance":
      // Uint8Array and Blob inputs: bytes (a Blob's wire form depends on its type; Uint8Array's does not).
      return fc.uint8Array({ maxLength: 12 });
    case "strict_tuple":
    case "tuple":
      return fc.tuple(...schema.items!.map(valueArbitrary));
    case "unknown":
    case "any":
      return jsonValue();
    default:
      throw new Error(`no arbitrary for valibot schema type "${schema.type}"`);
  }
}

function objectArbitrary(entries: Record<string, AnySchema>): fc.Arbitrary<Request> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const requiredKeys: string[] = [];
  for (const [key, schema] of Object.entries(entries)) {
    model[key] = valueArbitrary(schema);
    if (!isOptional(schema)) requiredKeys.push(key);
  }
  return fc.record(model, { requiredKeys });
}

/** The schema of a request of `pair`: a single call's (an async one for async-only pairs), or a batch item's. */
export const schemaOf = (pair: RequestPairName, item: boolean) =>
  (item ? RequestPairs[pair].item : RequestPairs[pair].asyncOnly ? RequestPairs[pair].asyncRequest : RequestPairs[pair].request) as unknown as AnySchema;

/**
 * A valid request of `pair`: every required field, any subset of the
 * optional ones. `invokeType` is left out only where inference picks this
 * very pair. Never `stream` (invoke answers whole; batch items never stream).
 */
export function validRequest(pair: RequestPairName, item = false): fc.Arbitrary<Request> {
  const { stream: _stream, ...entries } = schemaOf(pair, item).entries!;
  return objectArbitrary(entries).map((request) => {
    const provider = request["provider"];
    if (request["invokeType"] === undefined && findRequestPair(provider, inferInvokeType(provider, request)) !== pair) {
      request["invokeType"] = RequestPairs[pair].invokeTypes[0];
    }
    return request;
  });
}

/** A valid request of any pair. */
export const anyValidRequest = (item = false) => fc.constantFrom(...pairNamesOf(item)).chain((pair) => validRequest(pair, item).map((request) => ({ pair, request })));

/** Where a pair accepts free-form data: a broken value placed there must be reported under this path. */
export function freeFormPath(pair: RequestPairName): string[] | undefined {
  const entries = schemaOf(pair, false).entries!;
  if ("extra_body" in entries) return ["extra_body"];
  if (pair === "googleGeneration" || pair === "googleGenAIImageGeneration") return ["config", "httpOptions", "extraBody"];
  return undefined;
}

/** Builds an object at `path` inside `request` (creating the parents) and returns it. */
export function objectAt(request: Request, path: readonly string[]): Request {
  let current = request;
  for (const key of path) {
    const next = current[key];
    current = current[key] = typeof next === "object" && next !== null && !Array.isArray(next) ? (next as Request) : {};
  }
  return current;
}

/** A value that cannot be sent in a Struct, with how it is built (fresh each time: cycles must be new objects). */
export interface HostileValue {
  readonly kind: string;
  make(): unknown;
}

class Widget {
  size = 1;
}

/** A container with `levels` more of its kind nested inside it, one per level. */
export const nested = (levels: number, container: "object" | "array") => {
  const root: Request | unknown[] = container === "object" ? {} : [];
  let current: Request | unknown[] = root;
  for (let level = 0; level < levels; level++) {
    const child: Request | unknown[] = container === "object" ? {} : [];
    if (Array.isArray(current)) current.push(child);
    else current["next"] = child;
    current = child;
  }
  return root;
};

/** Values the client must refuse with a ValidationError at the place they sit. */
export const HOSTILE_VALUES: readonly HostileValue[] = [
  { kind: "bigint", make: () => 10n ** 30n },
  { kind: "NaN", make: () => Number.NaN },
  { kind: "Infinity", make: () => Number.POSITIVE_INFINITY },
  { kind: "-Infinity", make: () => Number.NEGATIVE_INFINITY },
  { kind: "integer beyond 2^53", make: () => 2 ** 53 + 2 },
  { kind: "symbol", make: () => Symbol("hostile") },
  { kind: "function", make: () => () => "called" },
  { kind: "cycle", make: () => { const cycle: Request = { a: 1 }; cycle["self"] = cycle; return cycle; } },
  { kind: "cycle through a list", make: () => { const list: unknown[] = [1]; list.push({ back: list }); return list; } },
  { kind: "objects nested 10,000 deep", make: () => nested(10_000, "object") },
  { kind: "lists nested 10,000 deep", make: () => nested(10_000, "array") },
  { kind: "objects nested past the protobuf limit", make: () => nested(40, "object") },
  { kind: "__proto__ key", make: () => JSON.parse('{"__proto__": {"polluted": true}, "kept": 1}') },
  { kind: "Map", make: () => new Map([["a", 1]]) },
  { kind: "Set", make: () => new Set([1]) },
  { kind: "class instance", make: () => new Widget() },
  { kind: "invalid Date", make: () => new Date(Number.NaN) },
  { kind: "undefined in a list", make: () => [1, undefined, 3] },
  { kind: "hole in a list", make: () => [1, , 3] },
  { kind: "RegExp", make: () => /x/ },
  { kind: "Promise", make: () => Promise.resolve(1) },
];

/** Keys no schema declares, some of them names every object inherits. */
export const unknownKey = (declared: Record<string, unknown>) =>
  fc
    .oneof(
      fc.constantFrom("constructor", "toString", "hasOwnProperty", "valueOf", "__defineGetter__", "isPrototypeOf", "__proto__", "prototype", "then"),
      fc.string({ minLength: 1, maxLength: 10 }),
    )
    .filter((key) => !Object.hasOwn(declared, key));
