/**
 * Authentication through the SDK client against the reference server: the
 * typed errors a user meets, and the proof that a call refused for its
 * credentials never reaches a provider.
 */
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  invoke,
  invokeBatch,
  invokeStream,
  type ModelClient,
  PermissionDeniedError,
} from "tamar-model-client";
import type { LogRecord } from "tamar-model-client/server";
import { deferred } from "../helpers/deferred.js";
import { sendJson, startFakeUpstream } from "../helpers/fake-upstream.js";
import { collect } from "../helpers/grpc-client.js";
import { anthropicApi, anthropicMessage } from "../helpers/provider-wire/anthropic.js";
import { signToken } from "../helpers/tokens.js";
import { clientOf, failureOf, startStack, userContext } from "./helpers/stack.js";

const params = { provider: "anthropic", model: "claude-sonnet-4", max_tokens: 10, messages: [{ role: "user", content: "Hello" }] } as const;
const request = { ...params, userContext };

/** Every way to call: each must fail the same way. */
const calls = (client: ModelClient) => [
  () => invoke(client, request),
  () => collect(invokeStream(client, request)),
  () => invokeBatch(client, { userContext, items: [{ ...params, customId: "a" }] }),
];

async function serverWithProvider() {
  const upstream = await startFakeUpstream(anthropicApi);
  const serverLog: LogRecord[] = [];
  const { address } = await startStack({ anthropic: upstream.url }, { server: { logger: (record) => serverLog.push(record) } });
  /** The statuses of the calls the server received. */
  const statuses = () => serverLog.filter((record) => record.msg === "call").map((record) => record.status);
  return { upstream, address, statuses };
}

describe("authentication through the SDK client", () => {
  it("no secret or token on the client → AuthenticationError from invoke, invokeStream and invokeBatch; no provider request", async () => {
    const { upstream, address } = await serverWithProvider();
    const client = clientOf(address);
    for (const call of calls(client)) {
      const error = await failureOf(call);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).message).toMatch(/UNAUTHENTICATED: .*missing "authorization"/);
      expect((error as AuthenticationError).requestId).toBeDefined();
    }
    expect(upstream.requests).toHaveLength(0);
  });

  it("a wrong secret → AuthenticationError, never retried; no provider request", async () => {
    const { upstream, address, statuses } = await serverWithProvider();
    const client = clientOf(address, { jwtSecretKey: "not-the-server-secret-0123456789", maxRetries: 3 });
    for (const call of calls(client)) {
      const error = await failureOf(call);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).message).toMatch(/signature does not verify/);
      expect((error as AuthenticationError).retryable).toBe(false);
    }
    // one attempt per call
    expect(statuses()).toEqual(["UNAUTHENTICATED", "UNAUTHENTICATED", "UNAUTHENTICATED"]);
    expect(upstream.requests).toHaveLength(0);
  });

  it("a static jwtToken for another tenant → PermissionDeniedError; no provider request", async () => {
    const { upstream, address, statuses } = await serverWithProvider();
    const client = clientOf(address, { jwtToken: await signToken({ org_id: "org-2" }), maxRetries: 3 });
    for (const call of calls(client)) {
      const error = await failureOf(call);
      expect(error).toBeInstanceOf(PermissionDeniedError);
      expect((error as PermissionDeniedError).message).toMatch(/PERMISSION_DENIED: .*org_id "org-1"/);
    }
    expect(statuses()).toEqual(["PERMISSION_DENIED", "PERMISSION_DENIED", "PERMISSION_DENIED"]);
    expect(upstream.requests).toHaveLength(0);
  });

  it("two tenants through one client at once: each call carries its own tenant's token and gets its own answer", async () => {
    const tenants = [
      { ...userContext },
      { orgId: "org-2", userId: "user-9", clientType: "e2e" },
    ];
    // The fake provider answers only once both calls are in, so they are truly in flight together.
    const bothArrived = deferred();
    const upstream = await startFakeUpstream(async (received, res) => {
      if (upstream.requests.length === 2) bothArrived.resolve();
      await bothArrived.promise;
      sendJson(res, 200, anthropicMessage({ content: [{ type: "text", text: `answer to ${received.json().messages[0].content}` }] }));
    });
    const serverLog: LogRecord[] = [];
    const tokens = new Map<string, Record<string, unknown>>();
    const { client } = await startStack(
      { anthropic: upstream.url },
      {
        server: { logger: (record) => serverLog.push(record) },
        client: {
          // sees each attempt's metadata after the client signed it
          middlewares: [
            async function* recordToken(call, options) {
              const token = options.metadata?.get("authorization")?.replace(/^Bearer /, "") ?? "";
              tokens.set(options.metadata?.get("x-request-id") ?? "", JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()));
              return yield* call.next(call.request, options);
            },
          ],
        },
      },
    );

    const answers = await Promise.all(
      tenants.map((tenant) =>
        invoke(client, { ...request, messages: [{ role: "user", content: tenant.orgId }], userContext: tenant }, { requestId: `call-${tenant.orgId}` }),
      ),
    );

    expect(answers.map((answer) => answer.content)).toEqual(["answer to org-1", "answer to org-2"]);
    for (const tenant of tenants) {
      const id = `call-${tenant.orgId}`;
      // the token the client sent for this call…
      expect(tokens.get(id)).toMatchObject({ org_id: tenant.orgId, user_id: tenant.userId });
      // …is the one the server verified: it checks the token's tenant against the request's, and logged this call as OK
      expect(serverLog.find((record) => record.msg === "call" && record.request_id === id)).toMatchObject({
        status: "OK",
        org_id: tenant.orgId,
        user_id: tenant.userId,
      });
    }
  });
});
