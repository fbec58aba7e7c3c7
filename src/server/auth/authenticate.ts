import type { ServerMiddleware } from "nice-grpc";
import type { TokenTenant, TokenVerifier } from "./token-verifier.js";

/** What authentication adds to a call context. */
export interface Authenticated {
  /** The tenant of the caller's token; undefined when the server runs without auth. */
  readonly tenant: TokenTenant | undefined;
}

/**
 * Verifies the caller's JWT before the handler runs (UNAUTHENTICATED when it
 * fails). Without a verifier every call passes with no tenant.
 */
export function authenticate(verify: TokenVerifier | undefined): ServerMiddleware<Authenticated> {
  return async function* authenticateMiddleware(call, context) {
    const tenant = verify ? await verify(context.metadata.get("authorization")) : undefined;
    return yield* call.next(call.request, { ...context, tenant });
  };
}
