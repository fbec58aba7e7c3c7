// The fields of a request that route it rather than parameterise the model:
// they travel as proto fields (or `extra` for the task flags), not as the
// provider's parameters.
import * as v from "valibot";
import { AsyncTaskEntries } from "./async-task.js";
import { identifier } from "./fields.js";
import { asRequestSchema } from "./request-schema.js";
import { UserContextSchema } from "./user-context.js";

/** Routing fields of a single call; they travel as proto fields, not in `extra`. */
export const RequestRoutingEntries = {
  stream: v.optional(v.boolean()),
  userContext: UserContextSchema,
};

/** Routing fields of a batch item; the batch's `userContext` applies. */
export const BatchItemRoutingEntries = {
  customId: v.optional(identifier),
  // proto `optional int32 priority`
  priority: v.optional(v.pipe(v.number(), v.integer(), v.minValue(-(2 ** 31)), v.maxValue(2 ** 31 - 1))),
};

// Typed through a schema so the declarations carry the inferred fields; the
// request schemas spread the entries above, not these objects, so a bundler
// may drop them (pure: only their types are used).
const callRouting = /* @__PURE__ */ asRequestSchema(/* @__PURE__ */ v.strictObject(RequestRoutingEntries));
const batchItemRouting = /* @__PURE__ */ asRequestSchema(/* @__PURE__ */ v.strictObject(BatchItemRoutingEntries));
const asyncTask = /* @__PURE__ */ asRequestSchema(/* @__PURE__ */ v.strictObject(AsyncTaskEntries));

type CallRoutingInput = v.InferInput<typeof callRouting>;

/** What a single call carries besides its route and parameters: `stream`, `userContext`. */
export type CallRouting = { [K in keyof CallRoutingInput]: CallRoutingInput[K] };
type BatchItemRoutingInput = v.InferInput<typeof batchItemRouting>;

/** What a batch item carries besides its route and parameters: `customId`, `priority`. */
export type BatchItemRouting = { [K in keyof BatchItemRoutingInput]: BatchItemRoutingInput[K] };
type AsyncTaskInput = v.InferInput<typeof asyncTask>;

/** What makes a single call an asynchronous task: `enableAsyncTask: true`, optional `callbackUrl`. */
export type AsyncTaskFields = { [K in keyof AsyncTaskInput]: AsyncTaskInput[K] };

/** Every routing field name: provider parameters must not reuse them. */
export type RoutingFieldName = "provider" | "channel" | "invokeType" | keyof CallRouting | keyof BatchItemRouting | keyof AsyncTaskFields;
