import { ServerError } from "nice-grpc";
import { Status } from "nice-grpc-common";
import type { TokenTenant } from "./token-verifier.js";

/**
 * A token speaks for one tenant only: the request's org_id / user_id must be
 * the token's. `tenant` is undefined when the server runs without auth.
 * @param where names the request part in the message, e.g. "batch item 3".
 */
export function checkTenant(
  tenant: TokenTenant | undefined,
  request: { readonly orgId: string; readonly userId: string },
  where = "the request",
): void {
  if (tenant === undefined) return;
  const field = tenant.orgId !== request.orgId ? "org_id" : tenant.userId !== request.userId ? "user_id" : undefined;
  if (field) {
    throw new ServerError(
      Status.PERMISSION_DENIED,
      `the token was not issued for the ${field} of ${where} (${field} "${field === "org_id" ? request.orgId : request.userId}")`,
    );
  }
}
