// Counts JWT signatures made in this process (by the SDK or anyone else): the
// SDK must sign once per tenant, not per call. It signs its HS256 tokens with
// node:crypto's HMAC (its own bundled code, so no class of it can be wrapped
// from here), so this counts the HMAC-SHA256 objects made through node:crypto,
// whose ES module bindings follow the CommonJS module's once synced.
import { createRequire, syncBuiltinESMExports } from "node:module";

let count = 0;
let installed = false;

/** Starts counting; idempotent. */
export function countJwtSignatures(): void {
  if (installed) return;
  installed = true;
  const crypto = createRequire(import.meta.url)("node:crypto") as typeof import("node:crypto");
  const createHmac = crypto.createHmac;
  crypto.createHmac = function countedHmac(this: unknown, ...args: Parameters<typeof createHmac>) {
    if (args[0] === "sha256") count++;
    return createHmac.apply(this, args);
  };
  syncBuiltinESMExports();
}

/** Signatures made since counting started. */
export const jwtSignatures = (): number => count;
