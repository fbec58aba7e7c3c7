import * as v from "valibot";
import { identifier } from "./fields.js";
import { asRequestSchema } from "./request-schema.js";

/**
 * Who is calling: the tenant (`orgId`), the user and the kind of calling
 * application. Sent on every request and signed into the JWT.
 */
export const UserContextSchema = asRequestSchema(
  v.strictObject({
    orgId: identifier,
    userId: identifier,
    clientType: identifier,
  }),
);

type UserContextInput = v.InferInput<typeof UserContextSchema>;

/** The caller identity of a request. */
export type UserContext = { [K in keyof UserContextInput]: UserContextInput[K] };
