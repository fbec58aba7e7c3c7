// JWTs as a Model Manager verifies them: HS256 over the shared secret, one
// token per tenant, cached, re-signed shortly before expiry.
import fc from "fast-check";
import { SignJWT } from "jose";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AuthenticationError, type InvokeRequest, invoke, invokeBatch, PermissionDeniedError } from "tamar-model-client";
import { hs256Key, signHs256Jwt } from "../../src/client/internal/hs256-jwt.js";
import { setup } from "../helpers/setup.js";

// The client's signer, wrapped so that a test can count the tokens it signs.
vi.mock("../../src/client/internal/hs256-jwt.js", async (original) => {
  const actual = await original<typeof import("../../src/client/internal/hs256-jwt.js")>();
  return { ...actual, signHs256Jwt: vi.fn(actual.signHs256Jwt) };
});
const sign = vi.mocked(signHs256Jwt);

const secret = "shared-secret";
const alice = { orgId: "org-a", userId: "alice", clientType: "svc" };
const bob = { orgId: "org-b", userId: "bob", clientType: "svc" };
const request = (userContext: typeof alice): InvokeRequest => ({ provider: "openai", model: "m", messages: [{ role: "user", content: "hi" }], userContext });

beforeEach(() => {
  sign.mockClear();
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe("JWT per request tenant", () => {
  it("signs each tenant's own token, verified by the server; steady state signs nothing", async () => {
    const { server, client } = await setup({ server: { jwtSecret: secret }, client: { jwtSecretKey: secret } });
    for (let round = 0; round < 3; round++) {
      await invoke(client, request(alice));
      await invoke(client, request(bob));
    }
    expect(sign).toHaveBeenCalledTimes(2);
    expect(server.calls.map((call) => [call.jwt!["org_id"], call.jwt!["user_id"]])).toEqual(
      Array.from({ length: 3 }, () => [["org-a", "alice"], ["org-b", "bob"]]).flat(),
    );
    const [aliceToken, bobToken] = [server.calls[0]!.metadata["authorization"], server.calls[1]!.metadata["authorization"]];
    expect(aliceToken).not.toBe(bobToken);
    expect(server.calls.filter((call) => call.jwt!["org_id"] === "org-a").every((call) => call.metadata["authorization"] === aliceToken)).toBe(true);
    const { iat, exp } = server.calls[0]!.jwt as { iat: number; exp: number };
    expect(exp - iat).toBe(3600);
  });

  it("concurrent first calls of one tenant share one signature; a batch signs for its user context", async () => {
    const { server, client } = await setup({ server: { jwtSecret: secret }, client: { jwtSecretKey: secret } });
    await Promise.all(Array.from({ length: 5 }, () => invoke(client, request(alice))));
    expect(sign).toHaveBeenCalledTimes(1);
    await invokeBatch(client, { userContext: bob, items: [] });
    expect(server.calls.at(-1)!.jwt).toMatchObject({ org_id: "org-b", user_id: "bob" });
  });

  it("re-signs a token shortly before it expires", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { server, client } = await setup({ server: { jwtSecret: secret }, client: { jwtSecretKey: secret } });
    await invoke(client, request(alice));
    vi.setSystemTime(Date.now() + 3_530_000); // 70 s before expiry: still cached
    await invoke(client, request(alice));
    expect(sign).toHaveBeenCalledTimes(1);
    vi.setSystemTime(Date.now() + 20_000); // 50 s before expiry: re-signed
    await invoke(client, request(alice));
    expect(sign).toHaveBeenCalledTimes(2);
    expect(server.calls[2]!.metadata["authorization"]).not.toBe(server.calls[0]!.metadata["authorization"]);
  });

  it("sends a static jwtToken as given", async () => {
    const { server, client } = await setup({ client: { jwtToken: "static.token.value" } });
    await invoke(client, request(alice));
    expect(server.calls[0]!.metadata["authorization"]).toBe("Bearer static.token.value");
  });

  it("sends no authorization without credentials", async () => {
    const { server, client } = await setup();
    await invoke(client, request(alice));
    expect(server.calls[0]!.metadata).not.toHaveProperty("authorization");
  });

  it("a wrong secret is an AuthenticationError, not retried, with the request id", async () => {
    const { server, client } = await setup({ server: { jwtSecret: secret }, client: { jwtSecretKey: "wrong" } });
    const error = await invoke(client, request(alice), { requestId: "req-auth" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 16, requestId: "req-auth", retryable: false });
    expect((error as Error).message).toMatch(/^UNAUTHENTICATED: bad token.*\(request id req-auth\)$/);
    expect(server.calls).toHaveLength(1);
  });

  it("a token for another tenant is a PermissionDeniedError", async () => {
    const token = await new SignJWT({ org_id: "org-a", user_id: "alice" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(secret));
    const { server, client } = await setup({ server: { jwtSecret: secret }, client: { jwtToken: token } });
    await expect(invoke(client, request(bob))).rejects.toBeInstanceOf(PermissionDeniedError);
    expect(server.calls).toHaveLength(1);
  });
});

describe("the HS256 signer", () => {
  const jose = (claims: Record<string, string | number>, secret: string | Uint8Array) =>
    new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(typeof secret === "string" ? new TextEncoder().encode(secret) : secret);

  it("writes the token jose writes, byte for byte, for any tenant and secret (property, 200 runs)", async () => {
    const text = fc.string({ unit: "binary", maxLength: 12 });
    const secret = fc.oneof(fc.string({ unit: "binary", minLength: 1, maxLength: 40 }), fc.uint8Array({ minLength: 1, maxLength: 64 }));
    await fc.assert(
      fc.asyncProperty(text, text, fc.nat(2 ** 32), secret, async (orgId, userId, issuedAt, secret) => {
        const claims = { org_id: orgId, user_id: userId, iat: issuedAt, exp: issuedAt + 3600 };
        expect(signHs256Jwt(claims, hs256Key(secret))).toBe(await jose(claims, secret));
      }),
      { seed: 17, numRuns: 200 },
    );
  });

  it("refuses what jose and WebCrypto refuse: an empty key, a time that is not a finite number", async () => {
    expect(() => hs256Key(new Uint8Array(0))).toThrow(expect.objectContaining({ name: "DataError" }));
    await expect(crypto.subtle.importKey("raw", new Uint8Array(0), { name: "HMAC", hash: "SHA-256" }, false, ["sign"])).rejects.toMatchObject({ name: "DataError" });
    const claims = { org_id: "o", user_id: "u", iat: 1, exp: Number.NaN };
    expect(() => signHs256Jwt(claims, hs256Key(secret))).toThrow(TypeError);
    await expect(jose(claims, secret)).rejects.toThrow(TypeError);
  });
});
