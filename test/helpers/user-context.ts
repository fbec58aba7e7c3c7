// The one tenant every test speaks for, so a change to it (or to the token
// that carries it) is made in one place.
import { TENANT } from "./tokens.js";

/** The client-side `userContext` of a request from the test tenant. */
export const userContext = { ...TENANT, clientType: "test" } as const;

/** The wire fields (`org_id`, `user_id`) of a request from the test tenant. */
export const wireTenant = { orgId: TENANT.orgId, userId: TENANT.userId } as const;

/** The test tenant's `userContext`, naming the client type a suite reports. */
export function userContextFor(clientType: string) {
  return { ...TENANT, clientType } as const;
}
