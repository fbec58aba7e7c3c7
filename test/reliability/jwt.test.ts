// JWT through the SDK against the reference server: every bad token is an
// AuthenticationError (UNAUTHENTICATED), typed, not retried, saying why and
// never quoting the token; and one tenant's token is never sent for another,
// whatever the tenants' ids look like.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  createModelClient,
  invoke,
  invokeBatch,
  invokeStream,
  type ModelClientOptions,
} from "tamar-model-client";
import { startScriptedServer } from "../helpers/scripted-server.js";
import { SECRET, signToken, tamperedToken, unsignedToken } from "../helpers/tokens.js";
import { drain, report } from "./helpers/report.js";
import { attemptCounter, chatRequest, startLoggedServer, userContext } from "./helpers/stack.js";

const now = () => Math.floor(Date.now() / 1000);

// [what is wrong, client credentials, reason the error must give]
const BAD_CREDENTIALS: Array<[string, () => Promise<ModelClientOptions>, RegExp]> = [
  ["no token at all", async () => ({}), /missing "authorization"/],
  ["expired", async () => ({ jwtToken: await signToken({}, { expiresIn: now() - 60 }) }), /expired \(exp\)/],
  ["not valid yet (nbf)", async () => ({ jwtToken: await signToken({ nbf: now() + 600 }) }), /not valid yet \(nbf\)/],
  ["signed with another secret", async () => ({ jwtSecretKey: "another-secret-0123456789abcdef" }), /signature does not verify/],
  ["alg: none", async () => ({ jwtToken: unsignedToken() }), /algorithm is not allowed/],
  ["tampered payload", async () => ({ jwtToken: await tamperedToken({ user_id: "someone-else" }) }), /signature does not verify/],
  ["not a JWT", async () => ({ jwtToken: "not.a.jwt" }), /malformed/],
];

describe("JWT", () => {
  it.each(BAD_CREDENTIALS)("%s → AuthenticationError on invoke, invokeStream and invokeBatch; not retried; the token is not quoted", async (_what, credentials, reason) => {
    const { server } = await startLoggedServer();
    const { attempts, middleware } = attemptCounter();
    const options = await credentials();
    const client = createModelClient({ address: server.address, useTls: false, env: {}, envFile: false, middlewares: [middleware], ...options });
    try {
      const { userContext: _, ...item } = chatRequest("hi");
      const calls = {
        invoke: () => invoke(client, chatRequest("hi"), { requestId: "jwt-invoke" }),
        stream: async () => {
          const { error } = await drain(invokeStream(client, chatRequest("hi"), { requestId: "jwt-stream" }));
          if (error) throw error;
        },
        batch: () => invokeBatch(client, { userContext, items: [item] }, { requestId: "jwt-batch" }),
      };
      for (const [kind, call] of Object.entries(calls)) {
        const error = await call().then(() => undefined, (e: unknown) => e);
        expect(error, kind).toBeInstanceOf(AuthenticationError);
        expect(error, kind).toMatchObject({ code: 16, retryable: false, requestId: `jwt-${kind}` });
        expect((error as Error).message, kind).toMatch(reason);
        if (options.jwtToken) expect((error as Error).message).not.toContain(options.jwtToken);
        expect(attempts.get(`jwt-${kind}`), kind).toBe(1);
      }
    } finally {
      await client.close();
    }
  });

  it("a valid token passes (the control for the cases above)", async () => {
    const { server } = await startLoggedServer();
    const client = createModelClient({ address: server.address, useTls: false, env: {}, envFile: false, jwtSecretKey: SECRET });
    try {
      expect((await invoke(client, chatRequest("hi"))).content).toContain("digest:");
    } finally {
      await client.close();
    }
  });
});

describe("one tenant's token is never sent for another", () => {
  it("200 calls of 40 tenants, interleaved and concurrent (invoke, stream, batch): each carries its own tenant's token", async () => {
    const server = await startScriptedServer({ jwtSecret: SECRET });
    const client = createModelClient({ address: server.address, useTls: false, env: {}, envFile: false, jwtSecretKey: SECRET });
    try {
      const tenants = Array.from({ length: 40 }, (_, index) => ({ orgId: `org-${index % 8}`, userId: `user-${index}`, clientType: "svc" }));
      await Promise.all(
        Array.from({ length: 200 }, async (_unused, index) => {
          const tenant = tenants[(index * 7) % tenants.length]!;
          const request = { ...chatRequest(`call ${index}`), userContext: tenant };
          if (index % 3 === 0) return invoke(client, request);
          if (index % 3 === 1) return drain(invokeStream(client, request));
          const { userContext: _, ...item } = request;
          return invokeBatch(client, { userContext: tenant, items: [item] });
        }),
      );
      expect(server.calls).toHaveLength(200);
      const tenantOfToken = new Map<string, string>();
      for (const call of server.calls) {
        const request = call.request as { orgId?: string; userId?: string; items?: Array<{ orgId: string; userId: string }> };
        const { orgId, userId } = request.items?.[0] ?? (request as { orgId: string; userId: string });
        expect(call.jwt).toMatchObject({ org_id: orgId, user_id: userId });
        const tenant = JSON.stringify([orgId, userId]);
        expect(tenantOfToken.get(call.metadata["authorization"]!) ?? tenant).toBe(tenant);
        tenantOfToken.set(call.metadata["authorization"]!, tenant);
      }
      report("tenant tokens", { calls: server.calls.length, tenants: tenants.length, distinctTokens: tenantOfToken.size, reusedAcrossTenants: 0 });
    } finally {
      await client.close();
      await server.close();
    }
  });

  it("tenants whose ids contain any character, the token cache's separator too, each get their own token (property, 300 pairs)", async () => {
    const server = await startScriptedServer({ jwtSecret: SECRET });
    const id = fc.oneof(fc.string({ minLength: 1, maxLength: 4 }), fc.constantFrom("a", "b", "\u0000", "a\u0000b", "b\u0000c", "\u0000\u0000"));
    const tenant = fc.record({ orgId: id, userId: id, clientType: fc.constant("svc") });
    try {
      // The pair the separator would confuse, then random ones: each call's token names exactly its own tenant.
      const confusable = [
        { orgId: "a\u0000b", userId: "c", clientType: "svc" },
        { orgId: "a", userId: "b\u0000c", clientType: "svc" },
      ];
      await fc.assert(
        fc.asyncProperty(fc.array(tenant, { minLength: 2, maxLength: 4 }), async (tenants) => {
          // A fresh client (and token cache) per run, so that each run stands on its own.
          const client = createModelClient({ address: server.address, useTls: false, env: {}, envFile: false, jwtSecretKey: SECRET, maxRetries: 0 });
          try {
            for (const each of tenants) {
              const before = server.calls.length;
              await invoke(client, { ...chatRequest("hi"), userContext: each });
              expect(server.calls[before]!.jwt).toMatchObject({ org_id: each.orgId, user_id: each.userId });
            }
          } finally {
            await client.close();
          }
        }),
        { seed: 42, numRuns: 300, examples: [[confusable]] },
      );
    } finally {
      await server.close();
    }
  });
});
