/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the
 * `webhook-signature` header is `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
 */
import { createHmac } from "node:crypto";

const SECRET_PREFIX = "whsec_";

/**
 * The HMAC key of a configured secret: the base64 after `whsec_` (the
 * spec's form), otherwise the secret's UTF-8 bytes.
 */
export function webhookKey(secret: string): Uint8Array {
  return secret.startsWith(SECRET_PREFIX) ? Buffer.from(secret.slice(SECRET_PREFIX.length), "base64") : Buffer.from(secret, "utf8");
}

/** The three headers of one delivery attempt. */
export function webhookHeaders(key: Uint8Array, webhookId: string, timestampSeconds: number, body: string): Record<string, string> {
  const signature = createHmac("sha256", key).update(`${webhookId}.${timestampSeconds}.${body}`).digest("base64");
  return {
    "webhook-id": webhookId,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": `v1,${signature}`,
  };
}
