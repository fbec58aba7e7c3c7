import * as v from "valibot";
import { identifier } from "./fields.js";

/**
 * Who is calling: the tenant (`orgId`), the user and the kind of calling
 * application. Sent on every request and signed into the JWT.
 */
export const UserContextSchema = v.strictObject({
  orgId: identifier,
  userId: identifier,
  clientType: identifier,
});

/** The caller identity of a request. */
export type UserContext = v.InferInput<typeof UserContextSchema>;
