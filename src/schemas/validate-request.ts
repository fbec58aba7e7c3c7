// Schema-driven validation of a request and the wording of every issue: which
// pair a request is (provider, invokeType, inference), the valibot issues
// turned into ValidationIssues that name the offending path, every unknown
// field (valibot's strictObject stops at the first one) with where it belongs
// or what to use instead, and lists given where objects belong. The only
// module that looks inside valibot's schema objects.
import { boundedText, MAX_QUOTED_CHARS, quoted } from "../internal/bounded-text.js";
import * as v from "valibot";
import { camelCaseKey as camelCase } from "../internal/camel-case.js";
import { findPair, inferInvokeType, invokeTypesOf, isRoutedProvider } from "../routes/find-pair.js";
import { PROVIDERS } from "../routes/route-table.js";
import { GoogleGenerateContentConfigSchema } from "./google-generation.js";
import { RequestPairs, type RequestPairName } from "./invoke-request.js";

/** One problem found in a request. */
export interface ValidationIssue {
  /** Dot path of the offending field, e.g. `messages.0.role`; `""` for the request itself. */
  path: string;
  /** What is wrong with it. */
  message: string;
}

const callOptionHints: Record<string, string> = {
  timeout: "set the call option timeoutMs instead",
  request_id: "set the call option requestId instead",
  user_context: "use userContext (camelCase) instead",
  invoke_type: "use invokeType (camelCase) instead",
  custom_id: "use customId (camelCase) instead",
  stream: "batch items are never streamed",
  customId: "only batch items take a customId",
  priority: "only batch items take a priority",
  enableAsyncTask: "only single calls (invoke) run as asynchronous tasks",
  callbackUrl: "a callback comes with an asynchronous task: set enableAsyncTask: true",
};

// Fields of a single call that a batch item takes from its batch.
const batchItemHints: Record<string, string> = {
  userContext: "userContext belongs on the batch ({ userContext, items }), not on its items",
  user_context: "userContext belongs on the batch ({ userContext, items }), not on its items",
};

// Optimal string alignment distance: edits, with a swap of neighbours as one.
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The known key `key` is probably a misspelling of: its camelCase form, or the one a typo or two away. */
function didYouMean(key: string, known: object): string | undefined {
  const camel = camelCase(key);
  if (camel !== key && Object.hasOwn(known, camel)) return camel;
  const limit = key.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of Object.keys(known)) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function unknownFieldMessage(key: string, nested: boolean, known: object, provider: unknown, invokeType: string, asItem: boolean): string {
  const suggestion = didYouMean(key, known);
  if (nested || provider === undefined) return suggestion === undefined ? "unknown field" : `unknown field (did you mean ${suggestion}?)`;
  const hints = asItem ? { ...callOptionHints, ...batchItemHints } : callOptionHints;
  const hint = Object.hasOwn(hints, key) ? hints[key] : undefined;
  if (hint) return `unknown field: ${hint}`;
  const owners = Object.values(RequestPairs)
    .filter((pair) => (pair.providers as readonly unknown[]).includes(provider) && Object.hasOwn((asItem ? pair.item : pair.request).entries, key))
    .map((pair) => pair.invokeTypes[0]);
  if (owners.length > 0) return `not a parameter of ${provider} ${invokeType}; it belongs to invokeType ${owners.join(" / ")}`;
  if (provider === "google" && Object.hasOwn(GoogleGenerateContentConfigSchema.entries, key)) {
    return `unknown field: Google takes it inside config (config.${key})`;
  }
  if (suggestion !== undefined) return `unknown field (did you mean ${suggestion}?)`;
  if (!["openai", "azure", "google", "anthropic"].includes(provider as string)) {
    return `unknown field for ${String(provider)} ${invokeType}; a parameter this SDK does not know goes through the unchecked form ({ unchecked: { provider, invokeType, params } })`;
  }
  const escapeHatch = provider === "google" ? "config.httpOptions.extraBody" : "extra_body (merged into the provider request body)";
  return `unknown field for ${provider} ${invokeType}; a provider parameter newer than this SDK goes in ${escapeHatch}`;
}

type AnySchema = v.GenericSchema & {
  wrapped?: AnySchema;
  key?: string;
  getter?: (input: unknown) => AnySchema;
  pipe?: AnySchema[];
  entries?: Record<string, AnySchema>;
  item?: AnySchema;
  items?: AnySchema[];
  options?: AnySchema[];
  value?: AnySchema;
};

// Looks through optional / nullish / nullable wrappers and pipes.
function unwrap(schema: AnySchema): AnySchema {
  while (true) {
    if (schema.wrapped) schema = schema.wrapped;
    else if (schema.pipe?.[0] && schema.pipe[0] !== schema) schema = schema.pipe[0];
    else return schema;
  }
}

const isObject = (input: unknown): input is Record<string, unknown> => typeof input === "object" && input !== null && !Array.isArray(input);

// The option of a variant or union that `input` is meant to be: a variant's
// by its discriminator, a union's the object shape sharing the most keys with
// it (or the list option for a list). `undefined` when one option accepts it
// as it is, or none fits.
function optionFor(at: AnySchema, input: unknown): AnySchema | undefined {
  const options = at.options!;
  if (at.type === "variant") {
    if (!isObject(input)) return undefined;
    return options.find((option) => {
      const inner = unwrap(option);
      if (inner.type === "variant") return optionFor(inner, input) !== undefined;
      const discriminator = inner.entries?.[at.key!];
      return discriminator !== undefined && v.is(discriminator, input[at.key!]);
    });
  }
  if (options.some((option) => v.is(option, input))) return undefined;
  if (Array.isArray(input)) return options.find((option) => unwrap(option).type === "array");
  if (!isObject(input)) return undefined;
  let best: AnySchema | undefined;
  let shared = -1;
  for (const option of options) {
    let inner = unwrap(option);
    if (inner.type === "lazy") inner = unwrap(inner.getter!(input));
    if (!inner.entries) continue;
    const count = Object.keys(input).filter((key) => Object.hasOwn(inner.entries!, key)).length;
    if (count > shared) [best, shared] = [inner, count];
  }
  return best;
}

/**
 * Every key of `input` that a strict object of `schema` (nested ones, list
 * items and the meant option of a union included) does not declare.
 */
function unknownFieldIssues(
  schema: v.GenericSchema,
  input: unknown,
  provider: unknown,
  invokeType: string,
  prefix: string,
  depth = 0,
  asItem = false,
): ValidationIssue[] {
  let at = unwrap(schema as AnySchema);
  if (at.type === "lazy") at = unwrap(at.getter!(input));
  if (depth > 64) return [];
  const inside = (child: AnySchema, value: unknown, key: string | number) =>
    unknownFieldIssues(child, value, provider, invokeType, `${prefix}${key}.`, depth + 1, asItem);
  if (at.type === "variant" || at.type === "union") {
    const option = optionFor(at, input);
    return option ? unknownFieldIssues(option, input, provider, invokeType, prefix, depth, asItem) : [];
  }
  if (at.type === "array" && Array.isArray(input)) return input.flatMap((item, index) => inside(at.item!, item, index));
  if (!at.entries || !isObject(input)) return [];
  const entries = at.entries;
  return Object.keys(input).flatMap((key) => {
    const value = input[key];
    // undefined means "not given", as everywhere in the request.
    if (value === undefined) return [];
    // Own keys only: `constructor`, `toString` or `__proto__` are unknown fields too.
    if (!Object.hasOwn(entries, key)) {
      if (at.type !== "strict_object") return [];
      return [{ path: prefix + key, message: unknownFieldMessage(key, depth > 0, entries, provider, invokeType, asItem) }];
    }
    return inside(entries[key]!, value, key);
  });
}

const objectTypes = new Set(["object", "loose_object", "strict_object", "object_with_rest", "record"]);

/**
 * Lists given where an object belongs. valibot's object and record schemas
 * accept arrays (they are objects; valibot keeps it so), so `config: ["x"]`
 * or a Google `contents: [["x"]]` would pass and reach the server. Walks the
 * schema's structure only: free-form values are not descended into.
 */
export function listForObjectIssues(schema: v.GenericSchema, input: unknown, prefix: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  walkForLists(schema as AnySchema, input, { prefix, keys: [], issues });
  return issues;
}

// Runs on every request, nearly always finding nothing: the path is a stack of
// keys turned into text only when an issue is found, and no list is allocated.
interface ListWalk {
  readonly prefix: string;
  readonly keys: (string | number)[];
  issues: ValidationIssue[];
}

const pathOf = ({ prefix, keys }: ListWalk) => (keys.length === 0 ? prefix.slice(0, -1) : prefix + keys.join("."));

function walkForLists(schema: AnySchema, input: unknown, walk: ListWalk): void {
  if (typeof input !== "object" || input === null) return;
  let at = unwrap(schema);
  if (at.type === "lazy") at = unwrap(at.getter!(input));
  const record = input as Record<string, unknown>;
  const inside = (child: AnySchema, key: string | number) => {
    walk.keys.push(key);
    walkForLists(child, record[key], walk);
    walk.keys.pop();
  };
  if (objectTypes.has(at.type)) {
    if (Array.isArray(input)) walk.issues.push({ path: pathOf(walk), message: "Invalid type: Expected Object but received Array" });
    else if (at.type === "record") for (const key of Object.keys(input)) inside(at.value!, key);
    else for (const key in at.entries) if (Object.hasOwn(input, key)) inside(at.entries[key]!, key);
  } else if (at.type === "union" || at.type === "variant") unionIssues(at, input, walk);
  else if (!Array.isArray(input)) return;
  else if (at.type === "array") for (let index = 0; index < input.length; index++) inside(at.item!, index);
  else if (at.type === "tuple" || at.type === "strict_tuple") at.items!.forEach((item, index) => inside(item, index));
}

// Whether a list sits anywhere in `value`: without one there is nothing to
// find, and no option of a union needs checking. Gives up (true) past a depth
// no request has, which also ends the walk on a circular value.
function holdsList(value: unknown, depth = 0): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value) || depth > 32) return true;
  for (const key in value) if (holdsList((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

// The options valibot accepts for the value; fine if one of them also holds no list where an object belongs.
function unionIssues(union: AnySchema, input: unknown, walk: ListWalk): void {
  if (!holdsList(input)) return;
  const outer = walk.issues;
  let first: ValidationIssue[] | undefined;
  for (const option of union.options!) {
    if (!v.is(option, input)) continue;
    walk.issues = [];
    walkForLists(option, input, walk);
    const found = walk.issues;
    walk.issues = outer;
    if (found.length === 0) return;
    first ??= found;
  }
  if (first) outer.push(...first);
}

// A union failure carries one issue list per option, with paths relative to
// the union; the issues reaching deepest into the input say what is wrong.
function flatten(issue: v.BaseIssue<unknown>): v.BaseIssue<unknown>[] {
  if (!issue.issues?.length) return [issue];
  const deepest = Math.max(...issue.issues.map((item) => item.path?.length ?? 0));
  if (deepest === 0) return [issue];
  return issue.issues
    .filter((item) => (item.path?.length ?? 0) === deepest)
    .flatMap((item) => flatten({ ...item, path: [...(issue.path ?? []), ...item.path!] as v.BaseIssue<unknown>["path"] }));
}

function messageOf(issue: v.BaseIssue<unknown>): string {
  if (issue.input !== undefined || !issue.expected) return issue.message;
  if (issue.expected.startsWith('"')) return "required field is missing";
  // A variant's discriminator: `("text" | "image_url")`.
  if (issue.expected.startsWith('("')) return `required field is missing: one of ${issue.expected.slice(1, -1).split(" | ").join(", ")}`;
  return issue.message;
}

/**
 * All problems of `input` against `schema`: every unknown field, then every
 * other issue. `prefix` locates the request (batch items).
 */
export function validate(
  schema: v.GenericSchema,
  input: unknown,
  provider: unknown,
  invokeType: string,
  prefix: string,
  asItem = false,
): ValidationIssue[] {
  if (input === undefined) return [{ path: prefix.slice(0, -1), message: "required field is missing" }];
  const result = v.safeParse(schema, input);
  const lists = listForObjectIssues(schema, input, prefix);
  if (result.success) return lists;
  const out = unknownFieldIssues(schema, input, provider, invokeType, prefix, 0, asItem);
  for (const issue of result.issues.flatMap(flatten)) {
    const path = prefix + (v.getDotPath(issue) ?? "");
    if (issue.type === "strict_object" && issue.expected === "never") {
      // Reported above with what to use instead; a place that walk did not reach is still named
      // (an undefined value means "not given", as everywhere in the request; a
      // list where the object belongs is reported as such by the list walk).
      const at = issue.path?.at(-1);
      if (at?.value !== undefined && !Array.isArray(at?.input) && !out.some((seen) => seen.path === path)) out.push({ path, message: "unknown field" });
      continue;
    }
    const message = messageOf(issue);
    // Union options can report the same place twice.
    if (!out.some((seen) => seen.path === path && seen.message === message)) out.push({ path, message });
  }
  for (const issue of lists) if (!out.some((seen) => seen.path === issue.path)) out.push(issue);
  return out;
}

const providers: readonly unknown[] = Object.keys(PROVIDERS);
const optionalWrappers = new Set(["optional", "nullish", "exact_optional"]);

/** A request that names its pair: what `checkRequest` found. */
export interface CheckedRequest {
  readonly pair: RequestPairName;
  readonly provider: string;
  /** As given, or inferred from the parameters. */
  readonly invokeType: string;
  /** True for an asynchronous task (`enableAsyncTask`, or a pair that runs only as one). */
  readonly async: boolean;
  /** Whether a field of the pair's schema may be left out (optional, nullish). */
  readonly isOptional: (key: string) => boolean;
}

/**
 * Finds the pair of one request (or batch item: `asItem`) and checks it
 * against that pair's schema, appending every problem to `issues` (paths
 * prefixed with `prefix`). `undefined` when the request names no pair.
 */
export function checkRequest(request: unknown, asItem: boolean, prefix: string, issues: ValidationIssue[]): CheckedRequest | undefined {
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    issues.push({ path: prefix.slice(0, -1), message: "a request must be an object" });
    return undefined;
  }
  const fields = request as Record<string, unknown>;
  const { provider } = fields;
  if (!providers.includes(provider)) {
    issues.push({
      path: `${prefix}provider`,
      message: `must be one of ${providers.join(", ")}; got ${typeof provider === "string" ? quoted(provider) : boundedText(JSON.stringify(provider) ?? "nothing", MAX_QUOTED_CHARS)}`,
    });
    return undefined;
  }
  if (!isRoutedProvider(provider)) {
    issues.push({
      path: `${prefix}provider`,
      message: `${String(provider)} has no checked request form (the Python SDK 0.5 had none either): send it unchecked, as { unchecked: { provider, invokeType, params }${asItem ? "" : ", userContext"} }`,
    });
    return undefined;
  }
  const invokeType = fields["invokeType"] ?? inferInvokeType(provider, fields);
  const pair = findPair(provider, invokeType);
  if (pair === undefined) {
    issues.push({
      path: `${prefix}invokeType`,
      message:
        invokeType === undefined
          ? `cannot be inferred from the parameters: set invokeType (${invokeTypesOf(provider).join(", ")}) or the main parameter (messages, input, contents, prompt)`
          : `${typeof invokeType === "string" ? quoted(invokeType) : boundedText(JSON.stringify(invokeType) ?? "nothing", MAX_QUOTED_CHARS)} is not supported for ${provider}; use one of ${invokeTypesOf(provider).join(", ")}`,
    });
    return undefined;
  }
  const route = RequestPairs[pair];
  const asyncFlagMissing = route.asyncOnly && fields["enableAsyncTask"] === undefined;
  const async = !asItem && (route.asyncOnly || fields["enableAsyncTask"] !== undefined);
  if (asyncFlagMissing) {
    issues.push(
      asItem
        ? { path: `${prefix}invokeType`, message: `${String(invokeType)} runs only as an asynchronous task, which a batch cannot hold: call invoke with enableAsyncTask: true` }
        : { path: `${prefix}enableAsyncTask`, message: `${String(invokeType)} runs only as an asynchronous task: set enableAsyncTask: true (invoke then answers with the task)` },
    );
  }
  const schema = asItem ? route.item : async ? route.asyncRequest : route.request;
  for (const issue of validate(schema, request, provider, String(invokeType), prefix, asItem)) {
    // The missing flag of an async-only pair is reported above, once, with what to do.
    if (!(asyncFlagMissing && issue.path === `${prefix}enableAsyncTask`)) issues.push(issue);
  }
  const entries: Record<string, { type: string }> = schema.entries;
  return {
    pair,
    provider: provider as string,
    invokeType: String(invokeType),
    async,
    isOptional: (key) => Object.hasOwn(entries, key) && optionalWrappers.has(entries[key]!.type),
  };
}
