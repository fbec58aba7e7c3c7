import { ServerError } from "nice-grpc";
import { Status } from "nice-grpc-common";
import { quoted } from "../../internal/bounded-text.js";
import type { TokenTenant } from "./token-verifier.js";

/**
 * A token speaks for one tenant only, and every request belongs to one: the
 * request's org_id and user_id must be the token's (checked first) and must
 * not be empty (unless the server allows it: `allowEmpty`). `tenant` is undefined
 * when the server runs without auth.
 * @param where names the request part in the message, e.g. "batch item 3".
 */
export function checkTenant(
  tenant: TokenTenant | undefined,
  request: { readonly orgId: string; readonly userId: string },
  { where = "the request", allowEmpty = false }: { readonly where?: string; readonly allowEmpty?: boolean } = {},
): void {
  if (tenant !== undefined) {
    const field = tenant.orgId !== request.orgId ? "org_id" : tenant.userId !== request.userId ? "user_id" : undefined;
    if (field) {
      throw new ServerError(
        Status.PERMISSION_DENIED,
        `the token was not issued for the ${field} of ${where} (${field} ${quoted(field === "org_id" ? request.orgId : request.userId)})`,
      );
    }
  }
  if (!allowEmpty) {
    const empty = request.orgId === "" ? "org_id" : request.userId === "" ? "user_id" : undefined;
    if (empty) {
      throw new ServerError(
        Status.INVALID_ARGUMENT,
        `${empty} of ${where} is empty: every request belongs to a tenant (a server started with allowEmptyTenant accepts empty ones)`,
      );
    }
  }
}
