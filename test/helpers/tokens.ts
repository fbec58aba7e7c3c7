import { SignJWT } from "jose";

export const SECRET = "test-secret-0123456789abcdef";
export const TENANT = { orgId: "org-1", userId: "user-1" } as const;

/** An HS256 token as the clients mint it; `claims` override or add claims. */
export async function signToken(
  claims: Record<string, unknown> = {},
  { secret = SECRET, expiresIn = "1h" }: { secret?: string; expiresIn?: string | number } = {},
): Promise<string> {
  return new SignJWT({ org_id: TENANT.orgId, user_id: TENANT.userId, ...claims })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

/** The same claims, unsigned: `alg: none`. */
export function unsignedToken(claims: Record<string, unknown> = {}): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: "none", typ: "JWT" })}.${encode({ org_id: TENANT.orgId, user_id: TENANT.userId, iat: now, exp: now + 3600, ...claims })}.`;
}

/** A validly signed token whose payload was changed afterwards. */
export async function tamperedToken(claims: Record<string, unknown>): Promise<string> {
  const [header, payload, signature] = (await signToken()).split(".") as [string, string, string];
  const altered = { ...JSON.parse(Buffer.from(payload, "base64url").toString()), ...claims };
  return `${header}.${Buffer.from(JSON.stringify(altered)).toString("base64url")}.${signature}`;
}
