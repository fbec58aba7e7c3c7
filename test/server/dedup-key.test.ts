// The dedup key is shared by replicas through Redis: a replica of this build
// and one of an earlier build must derive the same key for the same retry,
// so the bytes it hashes stay ts-proto's encoding of the request.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ModelRequestItem } from "../../src/gen/model_service/model_service.js";
import { dedupKey, type DedupIdentity } from "../../src/server/dedup/dedup-key.js";

// The key as the first builds derived it.
function keyOfEarlierBuilds(identity: DedupIdentity, request: ModelRequestItem): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify([identity.method, identity.orgId, identity.userId, identity.requestId, identity.item ?? ""]));
  hash.update(ModelRequestItem.encode(request).finish());
  return hash.digest("base64url");
}

const decoded = (value: Partial<ModelRequestItem>) => ModelRequestItem.decode(ModelRequestItem.encode(ModelRequestItem.fromPartial(value)).finish());

describe("dedupKey", () => {
  const identity: DedupIdentity = { method: "invoke", orgId: "org", userId: "user", requestId: "req-1" };
  const requests = [
    decoded({ provider: "openai", invokeType: "chat-completions", orgId: "org", userId: "user", extra: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hé 😀" }], temperature: 0.2, n: null, tools: [] } }),
    decoded({ provider: "google", channel: "vertexai", invokeType: "generation", stream: true, orgId: "org", userId: "user", clientType: "web", priority: 2, customId: "c", extra: { contents: "x".repeat(20_000), config: { nested: { deep: [1, [2, { three: true }]] } } } }),
    decoded({ provider: "openai", invokeType: "chat-completions", orgId: "org", userId: "user" }),
  ];

  it("is the key earlier builds derive for the same request (replicas of both share answers)", () => {
    for (const request of requests) {
      expect(dedupKey(identity, request)).toBe(keyOfEarlierBuilds(identity, request));
      expect(dedupKey({ ...identity, method: "batch", item: "#3" }, request)).toBe(keyOfEarlierBuilds({ ...identity, method: "batch", item: "#3" }, request));
    }
  });

  it("tells apart requests, tenants, request ids and batch items", () => {
    const [first, second] = requests as [ModelRequestItem, ModelRequestItem];
    const keys = [
      dedupKey(identity, first),
      dedupKey(identity, second),
      dedupKey({ ...identity, orgId: "other" }, first),
      dedupKey({ ...identity, requestId: "req-2" }, first),
      dedupKey({ ...identity, method: "batch", item: "a" }, first),
      dedupKey({ ...identity, method: "batch", item: "b" }, first),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});
