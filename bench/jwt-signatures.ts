// Counts JWT signatures made in this process (by the SDK or anyone else), by
// wrapping jose's SignJWT#sign: the SDK must sign once per tenant, not per call.
import { SignJWT } from "jose";

let count = 0;
let installed = false;

/** Starts counting; idempotent. */
export function countJwtSignatures(): void {
  if (installed) return;
  installed = true;
  const sign = SignJWT.prototype.sign;
  SignJWT.prototype.sign = function countedSign(this: SignJWT, ...args: Parameters<typeof sign>) {
    count++;
    return sign.apply(this, args);
  };
}

/** Signatures made since counting started. */
export const jwtSignatures = (): number => count;
