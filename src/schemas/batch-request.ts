import * as v from "valibot";
import type { BatchItem } from "./invoke-request.js";
import { asRequestSchema } from "./request-schema.js";
import { UserContextSchema } from "./user-context.js";

/**
 * The envelope of a batch. Items are checked one by one against the schema of
 * their own (provider, invokeType) pair by the request builder.
 */
export const BatchRequestSchema = asRequestSchema(
  v.strictObject({
    userContext: UserContextSchema,
    items: v.array(v.custom<BatchItem>(() => true)),
  }),
);

/** A batch of model calls, as `invokeBatch` takes it. */
export type BatchRequest = v.InferInput<typeof BatchRequestSchema>;
