/**
 * Tokens that belong to no one are refused: one issued in the future beyond
 * the clock skew, one without string `org_id` and `user_id`; and a request
 * whose tenant is empty is refused unless the server allows it explicitly.
 */
import { Metadata, Status } from "nice-grpc";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { clientErrorOf, collect } from "../helpers/grpc-client.js";
import { startReferenceServer } from "../helpers/reference-server.js";
import { SECRET, TENANT } from "../helpers/tokens.js";

const now = () => Math.floor(Date.now() / 1000);

/** A correctly signed HS256 token with exactly `claims` (plus exp in an hour unless given). */
async function token(claims: Record<string, unknown>): Promise<Metadata> {
  const jwt = await new SignJWT({ exp: now() + 3600, ...claims }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(SECRET));
  return Metadata({ authorization: `Bearer ${jwt}` });
}

const request = (tenant: { orgId: string; userId: string } = TENANT) => ({
  provider: "openai",
  invokeType: "chat-completions",
  ...tenant,
  extra: { model: "m", messages: [{ role: "user", content: "hi" }] },
});

describe("tokens that belong to no one", () => {
  it.each([
    ["issued an hour in the future", { ...TENANT_CLAIMS(), iat: now() + 3600 }, /issued in the future \(iat\)/],
    ["without org_id", { user_id: TENANT.userId, iat: now() }, /org_id/],
    ["without user_id", { org_id: TENANT.orgId, iat: now() }, /user_id/],
    ["with a numeric org_id", { org_id: 42, user_id: TENANT.userId, iat: now() }, /org_id/],
    ["with an object user_id", { org_id: TENANT.orgId, user_id: { id: 1 }, iat: now() }, /user_id/],
  ])("%s → UNAUTHENTICATED", async (_name, claims, reason) => {
    const { client } = await startReferenceServer({ offline: true });
    const metadata = await token(claims);
    for (const call of [() => collect(client.invoke(request(), { metadata })), () => client.batchInvoke({ items: [request()] }, { metadata })]) {
      const error = await clientErrorOf(call);
      expect(error.code).toBe(Status.UNAUTHENTICATED);
      expect(error.details).toMatch(reason);
    }
  });

  it("an iat a few seconds ahead (clock skew) is accepted", async () => {
    const { client } = await startReferenceServer({ offline: true });
    const metadata = await token({ ...TENANT_CLAIMS(), iat: now() + 2 });
    expect(await collect(client.invoke(request(), { metadata }))).toHaveLength(1);
  });
});

describe("a request whose tenant is empty", () => {
  const empty = { orgId: "", userId: "" };
  const emptyToken = () => token({ org_id: "", user_id: "", iat: now() });

  it("is refused with INVALID_ARGUMENT naming the field, with or without authentication", async () => {
    const authenticated = await startReferenceServer({ offline: true });
    const open = await startReferenceServer({ offline: true, jwtSecretKey: undefined, allowUnauthenticated: true });
    for (const [client, metadata] of [
      [authenticated.client, await emptyToken()],
      [open.client, Metadata()],
    ] as const) {
      const single = await clientErrorOf(() => collect(client.invoke(request(empty), { metadata })));
      expect(single.code).toBe(Status.INVALID_ARGUMENT);
      expect(single.details).toMatch(/org_id/);
      const batch = await clientErrorOf(() => client.batchInvoke({ items: [request(empty)] }, { metadata }));
      expect(batch.code).toBe(Status.INVALID_ARGUMENT);
      expect(batch.details).toMatch(/batch item 0/);
    }
  });

  it("is accepted when the server is started with allowEmptyTenant", async () => {
    const { client } = await startReferenceServer({ offline: true, allowEmptyTenant: true });
    expect(await collect(client.invoke(request(empty), { metadata: await emptyToken() }))).toHaveLength(1);
  });
});

function TENANT_CLAIMS() {
  return { org_id: TENANT.orgId, user_id: TENANT.userId };
}
