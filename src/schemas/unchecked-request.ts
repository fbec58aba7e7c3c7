// The explicit way through for a pair no schema here describes yet (a provider
// the Model Manager added after this SDK): provider, invoke type and channel
// as plain strings, parameters checked only for what the wire can carry (the
// Struct rules of the request builder). Never a relaxation of the checked
// forms: a request is unchecked only when it says so, under `unchecked`.
import * as v from "valibot";
import { CallbackUrlSchema } from "./async-task.js";
import { identifier } from "./fields.js";
import { asRequestSchema } from "./request-schema.js";
import { BatchItemRoutingEntries, RequestRoutingEntries } from "./routing-fields.js";

/** The route and parameters of an unchecked request. */
export const UncheckedCallSchema = v.strictObject({
  /** Provider wire value, e.g. `"kling-ai"`. */
  provider: identifier,
  /** Invoke type wire value, e.g. `"video-generation"`. */
  invokeType: identifier,
  /** Channel wire value; `"normal"` when left out. */
  channel: v.optional(identifier),
  /** Sent as `extra` exactly as given (keys as spelled: the provider's names). */
  params: v.record(v.string(), v.unknown()),
});

/** A single unchecked call (`invoke`, `invokeStream`). */
export const UncheckedRequestSchema = asRequestSchema(v.strictObject({ unchecked: UncheckedCallSchema, ...RequestRoutingEntries }));

/** A single unchecked call run as an asynchronous task: `invoke` answers with the task. */
export const UncheckedAsyncRequestSchema = asRequestSchema(
  v.strictObject({
    unchecked: UncheckedCallSchema,
    ...RequestRoutingEntries,
    enableAsyncTask: v.literal(true, "must be true for an asynchronous task (leave it out for a direct answer)"),
    callbackUrl: v.optional(CallbackUrlSchema),
  }),
);

/** One unchecked item of a batch. */
export const UncheckedBatchItemSchema = asRequestSchema(v.strictObject({ unchecked: UncheckedCallSchema, ...BatchItemRoutingEntries }));

/** Route and parameters of an unchecked request; see {@link UncheckedInvokeRequest}. */
export interface UncheckedCall {
  readonly provider: string;
  readonly invokeType: string;
  readonly channel?: string;
  readonly params: { readonly [key: string]: unknown };
}

/**
 * A request no schema of this SDK checks: `{ unchecked: { provider,
 * invokeType, channel?, params }, userContext }`. Its params are sent as
 * `extra` unchanged, checked only for what a protobuf Struct can carry.
 */
export interface UncheckedInvokeRequest extends Omit<v.InferInput<typeof UncheckedRequestSchema>, "unchecked"> {
  readonly unchecked: UncheckedCall;
  /** A direct call; see {@link UncheckedAsyncInvokeRequest} for a task. */
  readonly enableAsyncTask?: undefined;
}

/** An unchecked asynchronous task (`enableAsyncTask: true`). */
export interface UncheckedAsyncInvokeRequest extends Omit<v.InferInput<typeof UncheckedAsyncRequestSchema>, "unchecked"> {
  readonly unchecked: UncheckedCall;
}

/** An unchecked batch item. */
export interface UncheckedBatchItem extends Omit<v.InferInput<typeof UncheckedBatchItemSchema>, "unchecked"> {
  readonly unchecked: UncheckedCall;
}
