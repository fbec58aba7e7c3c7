import { createHash } from "node:crypto";
import type { ModelRequestItem } from "../../gen/model_service/model_service.js";
import { encodeRequestItem } from "../../internal/request-wire.js";

/** Who asked, under which request id, for which item of the call. */
export interface DedupIdentity {
  /** `invoke` or `batch`: the two never share answers. */
  readonly method: "invoke" | "batch";
  readonly orgId: string;
  readonly userId: string;
  /** The caller's `x-request-id`. */
  readonly requestId: string;
  /** A batch item's custom id (or `#index` when it has none). */
  readonly item?: string;
}

/**
 * The key of one answer: a digest of the tenant, the request id, the batch
 * item and the request itself. A retry sends the same bytes, so it finds the
 * answer; the same request id reused for a different request (or by another
 * tenant) is a different key, never someone else's answer. Fixed length, so
 * any store can take it.
 */
export function dedupKey(identity: DedupIdentity, request: ModelRequestItem): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify([identity.method, identity.orgId, identity.userId, identity.requestId, identity.item ?? ""]));
  // ts-proto's bytes of the request (so keys stay those of earlier replicas), written without its Struct messages.
  hash.update(encodeRequestItem(request));
  return hash.digest("base64url");
}
