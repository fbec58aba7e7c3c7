import { Metadata, Status } from "nice-grpc";
import { afterEach, describe, expect, it, vi } from "vitest";
import { authMetadata, clientErrorOf, collect } from "../helpers/grpc-client.js";
import { startReferenceServer } from "../helpers/reference-server.js";
import { SECRET, signToken, tamperedToken, unsignedToken } from "../helpers/tokens.js";

const request = (tenant: { orgId?: string; userId?: string } = {}) => ({
  provider: "openai",
  invokeType: "chat-completions",
  orgId: tenant.orgId ?? "org-1",
  userId: tenant.userId ?? "user-1",
  extra: { model: "m", messages: [{ role: "user", content: "hi" }] },
});

const now = () => Math.floor(Date.now() / 1000);

afterEach(() => {
  vi.useRealTimers();
});

describe("JWT authentication", () => {
  const rejected: Array<[string, () => Promise<Metadata>, RegExp]> = [
    ["missing", async () => Metadata(), /missing "authorization"/],
    ["not a bearer token", async () => Metadata({ authorization: `Token ${await signToken()}` }), /must be "Bearer <JWT>"/],
    ["expired", async () => authMetadata({}, await signToken({}, { expiresIn: now() - 60 })), /expired \(exp\)/],
    ["not valid yet", async () => authMetadata({}, await signToken({ nbf: now() + 600 })), /not valid yet \(nbf\)/],
    ["signed with another secret", async () => authMetadata({}, await signToken({}, { secret: "another-secret-0123456789" })), /signature does not verify/],
    ["alg: none", async () => authMetadata({}, unsignedToken()), /algorithm is not allowed/],
    ["tampered payload", async () => authMetadata({}, await tamperedToken({ org_id: "org-2" })), /signature does not verify/],
    ["without exp", async () => authMetadata({}, await signToken({ exp: undefined }, { expiresIn: now() + 60 }).then(withoutExp)), /"exp" claim is missing/],
    ["garbage", async () => Metadata({ authorization: "Bearer not.a.jwt" }), /malformed/],
  ];

  it.each(rejected)("%s → UNAUTHENTICATED with a reason, never the token", async (_name, metadata, reason) => {
    const { client } = await startReferenceServer();
    const sent = await metadata();
    for (const call of [
      () => collect(client.invoke(request(), { metadata: sent })),
      () => client.batchInvoke({ items: [request()] }, { metadata: sent }),
      () => client.getTaskStatus({ taskId: "t-1" }, { metadata: sent }),
    ]) {
      const error = await clientErrorOf(call);
      expect(error.code).toBe(Status.UNAUTHENTICATED);
      expect(error.details).toMatch(reason);
      const token = sent.get("authorization")?.replace(/^\S+ /, "");
      if (token) expect(error.details).not.toContain(token);
      expect(error.details).not.toContain(SECRET);
    }
  });

  it("a valid token passes, and a cached one still expires on time", async () => {
    const { client } = await startReferenceServer();
    const metadata = await authMetadata({}, await signToken({}, { expiresIn: now() + 120 }));
    expect(await collect(client.invoke(request(), { metadata }))).toHaveLength(1);
    expect(await collect(client.invoke(request(), { metadata }))).toHaveLength(1);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 10 * 60_000 });
    const error = await clientErrorOf(() => collect(client.invoke(request(), { metadata })));
    expect(error.code).toBe(Status.UNAUTHENTICATED);
    expect(error.details).toMatch(/expired/);
  });

  it("a token speaks for its own tenant only → PERMISSION_DENIED otherwise", async () => {
    const { client } = await startReferenceServer();
    const metadata = await authMetadata();
    const orgError = await clientErrorOf(() => collect(client.invoke(request({ orgId: "org-2" }), { metadata })));
    expect(orgError.code).toBe(Status.PERMISSION_DENIED);
    expect(orgError.details).toMatch(/org_id "org-2"/);
    const userError = await clientErrorOf(() => collect(client.invoke(request({ userId: "user-2" }), { metadata })));
    expect(userError.code).toBe(Status.PERMISSION_DENIED);
    expect(userError.details).toMatch(/user_id "user-2"/);
    // batch: every item must belong to the token's tenant
    const batchError = await clientErrorOf(() => client.batchInvoke({ items: [request(), request(), request({ orgId: "org-2" })] }, { metadata }));
    expect(batchError.code).toBe(Status.PERMISSION_DENIED);
    expect(batchError.details).toMatch(/batch item 2/);
    // the same token works for its own tenant
    expect((await client.batchInvoke({ items: [request()] }, { metadata })).items[0]?.error).toBe("");
  });

  it("without a secret the server refuses to start unless unauthenticated calls are allowed explicitly", async () => {
    await expect(startReferenceServer({ jwtSecretKey: undefined })).rejects.toMatchObject({
      name: "ModelServerConfigError",
      setting: "MODEL_MANAGER_SERVER_JWT_SECRET_KEY",
    });
    const { client, server } = await startReferenceServer({ jwtSecretKey: undefined, allowUnauthenticated: true });
    expect(server.authenticated).toBe(false);
    expect(await collect(client.invoke(request({ orgId: "anyone" })))).toHaveLength(1);
  });

  it("reads the secret from MODEL_MANAGER_SERVER_JWT_SECRET_KEY, as the client does", async () => {
    const { client } = await startReferenceServer({ jwtSecretKey: undefined, env: { MODEL_MANAGER_SERVER_JWT_SECRET_KEY: SECRET } });
    expect(await collect(client.invoke(request(), { metadata: await authMetadata() }))).toHaveLength(1);
    const error = await clientErrorOf(() => collect(client.invoke(request())));
    expect(error.code).toBe(Status.UNAUTHENTICATED);
  });

  it("the health service needs no token", async () => {
    const { server } = await startReferenceServer();
    const { createChannel, createClient } = await import("nice-grpc");
    const { HealthDefinition } = await import("../../src/gen/grpc/health/v1/health.js");
    const channel = createChannel(server.address);
    const health = createClient(HealthDefinition, channel);
    expect((await health.check({ service: "" })).status).toBe(1); // SERVING
    expect((await health.check({ service: "model_service.ModelService" })).status).toBe(1);
    channel.close();
  });
});

// A token whose payload lacks exp, re-signed properly (so only the claim is at fault).
async function withoutExp(token: string): Promise<string> {
  const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());
  delete payload.exp;
  const { SignJWT } = await import("jose");
  return new SignJWT(payload).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(SECRET));
}
