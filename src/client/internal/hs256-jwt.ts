// A compact HS256 JWT, byte for byte as jose's SignJWT writes it with the
// protected header {alg: "HS256", typ: "JWT"}:
// base64url(header) "." base64url(claims) "." base64url(HMAC-SHA256 of the two).
// node:crypto's HMAC signs synchronously with no key import; WebCrypto, which
// jose signs with, makes the first token of a process wait for an import and a
// promise, and loading jose itself costs a fresh process more (issue 17). The
// reference server verifies with jose.
import { createHmac, createSecretKey, type KeyObject } from "node:crypto";

const base64url = (json: string) => Buffer.from(json).toString("base64url");
const HEADER = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));

/** The signing key of a shared secret (a string as UTF-8); an empty one is refused, as WebCrypto refuses it. */
export function hs256Key(secret: string | Uint8Array): KeyObject {
  if (secret.length === 0) throw new DOMException("Zero-length key is not supported", "DataError");
  return createSecretKey(typeof secret === "string" ? Buffer.from(secret) : secret);
}

/** The JWT of `claims`, in their order; a time claim must be a finite number, as jose requires. */
export function signHs256Jwt(claims: Readonly<Record<string, string | number>>, key: KeyObject): string {
  for (const claim of ["iat", "nbf", "exp"]) {
    const value = claims[claim];
    if (typeof value === "number" && !Number.isFinite(value)) throw new TypeError(`"${claim}" claim must be a finite number`);
  }
  const signingInput = `${HEADER}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${createHmac("sha256", key).update(signingInput).digest("base64url")}`;
}
