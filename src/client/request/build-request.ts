// Builds the wire message of a request that src/schemas/validate-request.ts
// checked: routing fields become proto fields, the rest becomes `extra`.
// Everything here runs before any network I/O.
import type { ModelRequest, ModelRequestItem } from "../../gen/model_service/model_service.js";
import { quoted } from "../../internal/bounded-text.js";
import type { BatchRequest } from "../../schemas/batch-request.js";
import type { AsyncInvokeRequest, BatchItem, InvokeRequest } from "../../schemas/invoke-request.js";
import { UncheckedAsyncRequestSchema, UncheckedBatchItemSchema, UncheckedRequestSchema } from "../../schemas/unchecked-request.js";
import { UserContextSchema, type UserContext } from "../../schemas/user-context.js";
import { checkRequest, validate, type ValidationIssue } from "../../schemas/validate-request.js";
import { ValidationError } from "../errors.js";
import { resolveBlobs, type StructWalk, toStructValue } from "./to-struct-value.js";

// Fields that travel as proto fields, never inside `extra`.
const routingKeys = new Set([
  "provider",
  "invokeType",
  "channel",
  "stream",
  "userContext",
  "customId",
  "priority",
  "enableAsyncTask",
  "callbackUrl",
]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

// Python sent only "effective" top-level values; an empty optional top-level
// value (`tools: []`, `instructions: ""`) means "not set" there too. Nested
// values are sent exactly as given: an empty `content: ""` or `properties: {}`
// means something to the provider. So are required ones (`model: " "`):
// dropping them would send a different, broken request.
function isUnset(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === "string") return value.trim() === "";
  if (Array.isArray(value)) return value.length === 0;
  if (isRecord(value)) {
    // A plain object, {} or Object.create(null) alike (as the Struct walk sees them); never a class instance.
    const proto: unknown = Object.getPrototypeOf(value);
    return (proto === Object.prototype || proto === null) && Object.keys(value).length === 0;
  }
  return false;
}

interface Checked {
  provider: string;
  invokeType: string;
  channel: string | undefined;
  /** True for the unchecked form: `extra` is its params as given. */
  unchecked: boolean;
  /** True for an asynchronous task (`enableAsyncTask`). */
  async: boolean;
  extra: Record<string, unknown>;
}

/**
 * Checks one request (or batch item: `asItem`) and builds its `extra`,
 * appending problems to `walk.issues` (paths prefixed with `prefix`).
 */
function check(request: unknown, asItem: boolean, prefix: string, walk: StructWalk, path: (string | number)[]): Checked | undefined {
  if (isRecord(request) && Object.hasOwn(request, "unchecked")) return checkUnchecked(request, asItem, prefix, walk, path);
  const schemaIssues: ValidationIssue[] = [];
  const checked = checkRequest(request, asItem, prefix, schemaIssues);
  if (checked === undefined) {
    appendIssues(walk, schemaIssues, []);
    return undefined;
  }
  const fields = request as Record<string, unknown>;
  const extra: Record<string, unknown> = {};
  const structWalk: StructWalk = { issues: [], blobs: walk.blobs };
  const ancestors = new Set<object>();
  for (const key in fields) {
    const value = fields[key];
    if (routingKeys.has(key) || value === undefined || (isUnset(value) && checked.isOptional(key))) continue;
    path.push(key);
    extra[key] = toStructValue(value, path, structWalk, ancestors);
    path.pop();
  }
  appendIssues(walk, schemaIssues, structWalk.issues);
  if (checked.async) {
    // The Python SDK 0.5 spelling, which existing servers read.
    extra["enable_async_task"] = true;
    if (typeof fields["callbackUrl"] === "string") extra["callback_url"] = fields["callbackUrl"];
  }
  return {
    provider: checked.provider,
    invokeType: checked.invokeType,
    channel: fields["channel"] as string | undefined,
    unchecked: false,
    async: checked.async,
    extra,
  };
}

/**
 * The unchecked form: the route as given, its params checked only for what a
 * Struct carries and sent as they are (nothing dropped, no `stream` added).
 */
function checkUnchecked(request: Record<string, unknown>, asItem: boolean, prefix: string, walk: StructWalk, path: (string | number)[]): Checked | undefined {
  const async = !asItem && request["enableAsyncTask"] !== undefined;
  const schema = asItem ? UncheckedBatchItemSchema : async ? UncheckedAsyncRequestSchema : UncheckedRequestSchema;
  const schemaIssues = validate(schema, request, undefined, "", prefix, asItem);
  const call = request["unchecked"];
  const params = isRecord(call) && isRecord(call["params"]) ? call["params"] : undefined;
  const extra: Record<string, unknown> = {};
  path.push("unchecked", "params");
  const structWalk: StructWalk = { issues: [], blobs: walk.blobs };
  const ancestors = new Set<object>();
  for (const key in params) {
    if (params[key] === undefined) continue;
    path.push(key);
    extra[key] = toStructValue(params[key], path, structWalk, ancestors);
    path.pop();
  }
  path.length -= 2;
  appendIssues(walk, schemaIssues, structWalk.issues);
  if (schemaIssues.length > 0 || !isRecord(call)) return undefined;
  if (async) {
    extra["enable_async_task"] = true;
    if (typeof request["callbackUrl"] === "string") extra["callback_url"] = request["callbackUrl"];
  }
  return {
    provider: call["provider"] as string,
    invokeType: call["invokeType"] as string,
    channel: call["channel"] as string | undefined,
    unchecked: true,
    async,
    extra,
  };
}

/**
 * Adds a request's schema issues and Struct issues to the walk's, one issue
 * per place: a value the schema already refused is not reported twice.
 * Nearly always both lists are empty, so nothing is allocated then.
 */
function appendIssues(walk: StructWalk, schemaIssues: ValidationIssue[], structIssues: ValidationIssue[]): void {
  for (const issue of schemaIssues) walk.issues.push(issue);
  if (structIssues.length === 0) return;
  const refused = new Set(schemaIssues.map((issue) => issue.path));
  for (const issue of structIssues) if (!refused.has(issue.path)) walk.issues.push(issue);
}

// The path of a request's fields as toStructValue takes it: [] for a single
// call, ["items", index] for a batch item (the walk pushes and pops below it).
const requestPath = (): (string | number)[] => [];

function newWalk(): StructWalk {
  return { issues: [], blobs: new Map() };
}

// `extras` is called only when Blobs were met: most requests have none.
async function finish(walk: StructWalk, extras: () => Record<string, unknown>[]): Promise<void> {
  if (walk.issues.length > 0) throw new ValidationError(walk.issues);
  if (walk.blobs.size === 0) return;
  for (const extra of extras()) Object.assign(extra, await resolveBlobs(extra, walk.blobs));
}

function wireItem(request: Record<string, unknown>, checked: Checked, user: UserContext, stream: boolean, customId: string | undefined): ModelRequestItem {
  return {
    provider: checked.provider,
    channel: checked.channel ?? "normal",
    invokeType: checked.invokeType,
    stream,
    orgId: user.orgId,
    userId: user.userId,
    clientType: user.clientType,
    priority: request["priority"] as number | undefined,
    customId,
    extra: checked.extra,
  };
}

/** A built single call: its wire message. */
export interface BuiltInvokeRequest {
  item: ModelRequestItem;
  /** True when the call creates an asynchronous task (the answer is a task id). */
  async: boolean;
}

/**
 * Validates a single call and builds its wire message. `stream` is what the
 * calling function does; a request saying otherwise is rejected rather than
 * silently served the other way.
 */
export async function buildInvokeRequest(
  request: InvokeRequest | AsyncInvokeRequest,
  stream: boolean,
): Promise<BuiltInvokeRequest> {
  const walk = newWalk();
  const checked = check(request, false, "", walk, requestPath());
  const given = isRecord(request) ? request["stream"] : undefined;
  if (checked?.async && (stream || given === true)) {
    walk.issues.push({
      path: stream ? "enableAsyncTask" : "stream",
      message: "an asynchronous task answers with its task id, not a stream: call invoke, then getTaskStatus or waitForTask",
    });
  } else if (given !== undefined && given !== stream) {
    walk.issues.push({
      path: "stream",
      message: stream
        ? "invokeStream always streams; remove stream: false or call invoke"
        : "invoke returns one answer; call invokeStream for a stream",
    });
  }
  await finish(walk, () => (checked ? [checked.extra] : []));
  // The Python SDK also sends `stream: true` inside `extra` for the SDKs that
  // take it as a parameter (all but Google's); existing servers may rely on it.
  if (stream && !checked!.unchecked && checked!.provider !== "google") checked!.extra["stream"] = true;
  const item = wireItem(request as Record<string, unknown>, checked!, request.userContext, stream, request["customId" as keyof typeof request] as string | undefined);
  return { item, async: checked!.async };
}

/** A built batch: the wire message and the custom id of each item, in request order. */
export interface BuiltBatchRequest {
  message: ModelRequest;
  customIds: string[];
}

/**
 * Validates a batch and builds its wire message. Items without a `customId`
 * get `#<index>` (made unique against the given ones), so every answer can be
 * matched to its item by id; duplicate ids are an error.
 */
export async function buildBatchRequest(request: BatchRequest): Promise<BuiltBatchRequest> {
  const walk = newWalk();
  if (!isRecord(request) || !Array.isArray(request.items)) {
    throw new ValidationError([{ path: "items", message: "a batch needs items: an array of requests" }]);
  }
  walk.issues.push(...validate(UserContextSchema, request.userContext, undefined, "", "userContext."));
  for (const key in request) {
    if (key !== "items" && key !== "userContext") walk.issues.push({ path: key, message: "unknown field of a batch" });
  }
  const items = request.items as BatchItem[];
  const given = new Set<string>();
  items.forEach((item, index) => {
    const id = (item as { customId?: unknown } | undefined)?.customId;
    if (typeof id !== "string") return;
    if (given.has(id)) walk.issues.push({ path: `items.${index}.customId`, message: `duplicate customId ${quoted(id)}` });
    given.add(id);
  });
  // One path for all items: each check pushes below ["items", index] and pops back.
  const path: (string | number)[] = ["items", 0];
  const checked = new Array<Checked | undefined>(items.length);
  for (let index = 0; index < items.length; index++) {
    path[1] = index;
    checked[index] = check(items[index], true, `items.${index}.`, walk, path);
  }
  await finish(walk, () => checked.flatMap((entry) => (entry ? [entry.extra] : [])));
  const customIds = new Array<string>(items.length);
  const wireItems = new Array<ModelRequestItem>(items.length);
  for (let index = 0; index < items.length; index++) {
    const item = items[index] as Record<string, unknown>;
    let id = item["customId"] as string | undefined;
    if (id === undefined) {
      id = `#${index}`;
      while (given.has(id)) id = `${id}'`;
      given.add(id);
    }
    customIds[index] = id;
    wireItems[index] = wireItem(item, checked[index]!, request.userContext, false, id);
  }
  return { message: { items: wireItems }, customIds };
}
