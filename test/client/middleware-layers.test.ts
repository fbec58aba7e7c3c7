// Middlewares with nothing to do per message hand back the next layer's
// generator itself (no generator layer of their own, see start-now.ts), and
// a set-up error still surfaces on the first next(), not when the call starts.
import { type CallOptions, type ClientMiddleware, ClientError, Status } from "nice-grpc-common";
import { describe, expect, it } from "vitest";
import {
  createJwtMiddleware,
  deadlineMiddleware,
  requestIdMiddleware,
  streamRetryMiddleware,
  streamTimeoutsMiddleware,
  wireDeadlineMiddleware,
} from "tamar-model-client/middleware";
import { recordingInvokeCall } from "../helpers/recording-call.js";

const run = (middleware: ClientMiddleware<any>, options: object, responseStream = true) => {
  const { call, inner, seen } = recordingInvokeCall({ request: { orgId: "org", userId: "user" }, responseStream });
  const result = middleware(call, options as CallOptions);
  return { result, inner, seen };
};

describe("a middleware with nothing to do per message adds no generator layer", () => {
  const jwt = createJwtMiddleware({ token: "static-token" });
  const cases: Array<[string, ClientMiddleware<any>, object, boolean?]> = [
    ["requestIdMiddleware", requestIdMiddleware, { requestId: "r" }],
    ["wireDeadlineMiddleware with a deadline", wireDeadlineMiddleware, { deadline: new Date(Date.now() + 60_000) }],
    ["deadlineMiddleware without a deadline", deadlineMiddleware, {}],
    ["streamTimeoutsMiddleware on a unary call", streamTimeoutsMiddleware, { firstChunkTimeoutMs: 10, idleTimeoutMs: 10 }, false],
    ["streamRetryMiddleware without retry", streamRetryMiddleware, { retry: false }],
    ["the JWT middleware with a token", jwt, {}],
  ];
  it.each(cases)("%s", async (_name, middleware, options, responseStream = true) => {
    const { result, inner, seen } = run(middleware, options, responseStream);
    expect(inner).toHaveLength(1);
    expect(result).toBe(inner[0]);
    expect(seen).toHaveLength(1);
    const messages: string[] = [];
    for await (const message of result) messages.push(message);
    expect(messages).toEqual(["answer"]);
  });

  it("the next layer gets its options at once", () => {
    expect(run(requestIdMiddleware, { requestId: "r-1" }).seen[0]!.metadata?.get("x-request-id")).toBe("r-1");
    expect(run(jwt, {}).seen[0]!.metadata?.get("authorization")).toBe("Bearer static-token");
    expect(run(wireDeadlineMiddleware, { deadline: 1500 }).seen[0]!.metadata?.get("grpc-timeout")).toBe("1500m");
  });

  it("a layer that has work per message or per call still is one", () => {
    expect(run(deadlineMiddleware, { deadline: 60_000 }).inner).toHaveLength(0);
    expect(run(streamTimeoutsMiddleware, { firstChunkTimeoutMs: 10 }).inner).toHaveLength(0);
    expect(run(streamRetryMiddleware, { retry: true }).inner).toHaveLength(0);
  });
});

describe("a set-up error surfaces on the first next(), not when the call starts", () => {
  it("an expired deadline", async () => {
    const { result, inner } = run(wireDeadlineMiddleware, { deadline: new Date(Date.now() - 1) });
    expect(inner).toHaveLength(0);
    const error: unknown = await result.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe(Status.DEADLINE_EXCEEDED);
  });

  it("a request id that is not a valid header value", async () => {
    const { result, inner } = run(requestIdMiddleware, { requestId: "bad\nid" });
    expect(inner).toHaveLength(0);
    await expect(result.next()).rejects.toThrow();
  });
});
