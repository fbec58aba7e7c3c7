/**
 * Verifies the `authorization: Bearer <JWT>` of a call: HS256 over the shared
 * secret, `exp` required. Every failure is UNAUTHENTICATED with a message that
 * says why, and never contains the token.
 */
import { jwtVerify, type JWTPayload } from "jose";
import { ServerError } from "nice-grpc";
import { Status } from "nice-grpc-common";

/** The tenant a token was issued for: its string `org_id` and `user_id` claims. */
export interface TokenTenant {
  readonly orgId: string;
  readonly userId: string;
}

/** Checks an `authorization` metadata value and returns the token's tenant. */
export type TokenVerifier = (authorization: string | undefined) => Promise<TokenTenant>;

// Seconds of clock skew tolerated between the signing client and this server.
const CLOCK_TOLERANCE_S = 5;
// Clients cache their token, so the same few strings repeat: remembering a
// verified one spares an HMAC per call.
const CACHE_SIZE = 1024;

interface CachedToken {
  readonly tenant: TokenTenant;
  readonly exp: number;
}

/** Creates the verifier for one shared secret. */
export function createTokenVerifier(secret: string): TokenVerifier {
  const key = new TextEncoder().encode(secret);
  const verified = new Map<string, CachedToken>();
  return async (authorization) => {
    const token = bearerToken(authorization);
    const now = Date.now() / 1000;
    const cached = verified.get(token);
    if (cached) {
      if (now <= cached.exp + CLOCK_TOLERANCE_S) return cached.tenant;
      verified.delete(token);
      throw unauthenticated("the token has expired (exp)");
    }
    const payload = await verify(token, key);
    // jose checks iat only against a maximum age: one from the future would pass.
    if (typeof payload.iat === "number" && payload.iat > now + CLOCK_TOLERANCE_S) {
      throw unauthenticated("the token was issued in the future (iat)");
    }
    const tenant = { orgId: tenantClaim(payload, "org_id"), userId: tenantClaim(payload, "user_id") };
    if (verified.size >= CACHE_SIZE) verified.delete(verified.keys().next().value as string);
    verified.set(token, { tenant, exp: payload.exp as number });
    return tenant;
  };
}

function bearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization === "") {
    throw unauthenticated('missing "authorization" metadata: send "Bearer <JWT>" signed with the shared secret');
  }
  const match = /^Bearer +([^\s]+)$/i.exec(authorization);
  if (!match?.[1]) throw unauthenticated('the "authorization" metadata must be "Bearer <JWT>"');
  return match[1];
}

async function verify(token: string, key: Uint8Array): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ["HS256"],
      requiredClaims: ["exp"],
      clockTolerance: CLOCK_TOLERANCE_S,
    });
    return payload;
  } catch (error) {
    throw unauthenticated(reasonOf(error));
  }
}

function reasonOf(error: unknown): string {
  const { code, claim } = error as { code?: string; claim?: string };
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return "the token has expired (exp)";
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      return claim === "nbf"
        ? "the token is not valid yet (nbf)"
        : claim === "iat"
          ? "the token was issued in the future (iat)"
          : `the token's "${claim ?? "?"}" claim is missing or invalid`;
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return "the token's algorithm is not allowed: HS256 is required";
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return "the token's signature does not verify (wrong secret or altered token)";
    default:
      return "the token is malformed";
  }
}

// A token that names no tenant belongs to no one: refused, not read as "".
function tenantClaim(payload: JWTPayload, claim: "org_id" | "user_id"): string {
  const value = payload[claim];
  if (typeof value !== "string") {
    throw unauthenticated(`the token's "${claim}" claim is ${value === undefined ? "missing" : "not a string"}: a token must name its tenant`);
  }
  return value;
}

function unauthenticated(message: string): ServerError {
  return new ServerError(Status.UNAUTHENTICATED, message);
}
