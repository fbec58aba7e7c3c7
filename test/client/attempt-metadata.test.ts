// The client's chain writes its per-attempt headers in one middleware built
// from the same steps as the exported requestIdMiddleware,
// wireDeadlineMiddleware and JWT middleware: it must send what those three
// stacked send, with one metadata copy and no generator layer of its own.
import { type CallOptions, ClientError, composeClientMiddleware, Metadata, Status } from "nice-grpc-common";
import { describe, expect, it } from "vitest";
import { createJwtMiddleware, requestIdMiddleware, wireDeadlineMiddleware } from "tamar-model-client/middleware";
import { createAttemptMetadataMiddleware } from "../../src/client/middleware/attempt-metadata.js";
import { createAuthorization } from "../../src/client/middleware/jwt.js";
import { requestIdOptionMiddleware } from "../../src/client/middleware/request-id.js";
import { recordingInvokeCall } from "../helpers/recording-call.js";
import { wireTenant } from "../helpers/user-context.js";

const secretKey = "attempt-metadata-secret";
const tenant = wireTenant;

const invokeCall = () => recordingInvokeCall({ request: tenant });

async function drain(iterable: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of iterable);
}

const headers = (metadata: Metadata | undefined): Record<string, string> =>
  Object.fromEntries([...(metadata ?? [])].map(([key, values]) => [key, String(values[0])]));

describe("the attempt-metadata middleware", () => {
  it("sends what requestIdMiddleware, wireDeadlineMiddleware and the JWT middleware send stacked", async () => {
    const deadline = new Date(Date.now() + 60_000);
    const callerMetadata = Metadata({ "x-team": "search" });
    const options = { requestId: "r-1", deadline, userContext: tenant, metadata: callerMetadata };

    const three = invokeCall();
    // requestIdMiddleware outermost, the JWT middleware innermost.
    const threeStacked = composeClientMiddleware(composeClientMiddleware(createJwtMiddleware({ secretKey }), wireDeadlineMiddleware), requestIdMiddleware);
    await drain(threeStacked(three.call, options));
    const one = invokeCall();
    const oneMiddleware = createAttemptMetadataMiddleware(createAuthorization({ secretKey }));
    await drain(oneMiddleware(one.call, options));

    const [a, b] = [headers(three.seen[0]!.metadata), headers(one.seen[0]!.metadata)];
    expect(Object.keys(b)).toEqual(["x-team", "x-request-id", "grpc-timeout", "authorization"]);
    expect(b["authorization"]).toBe(a["authorization"]);
    expect(b["x-request-id"]).toBe("r-1");
    // Both are the time left when each ran, a few ms apart at most.
    expect(Math.abs(Number.parseInt(b["grpc-timeout"]!) - Number.parseInt(a["grpc-timeout"]!))).toBeLessThan(1000);
    expect(b["grpc-timeout"]).toMatch(/^\d{5}m$/);
    // Neither leaks the tenant option inward nor touches the caller's metadata.
    expect(one.seen[0]).not.toHaveProperty("userContext");
    expect(three.seen[0]).not.toHaveProperty("userContext");
    expect(headers(callerMetadata)).toEqual({ "x-team": "search" });
  });

  it("leaves an authorization already in the metadata alone, and sends no header it has no value for", async () => {
    const { call, seen } = invokeCall();
    const middleware = createAttemptMetadataMiddleware(createAuthorization({ secretKey }));
    await drain(middleware(call, { metadata: Metadata({ authorization: "Bearer mine" }) } as CallOptions));
    expect(headers(seen[0]!.metadata)).toEqual({ authorization: "Bearer mine" });
  });

  it("adds no generator layer: the first call's token is signed at once, the next ones' cached", async () => {
    const middleware = createAttemptMetadataMiddleware(createAuthorization({ secretKey }));
    const first = invokeCall();
    const signed = middleware(first.call, { requestId: "r" } as CallOptions);
    expect(first.inner).toHaveLength(1);
    expect(signed).toBe(first.inner[0]);
    expect(headers(first.seen[0]!.metadata)["authorization"]).toMatch(/^Bearer ey/);

    const cached = invokeCall();
    const result = middleware(cached.call, { requestId: "r" } as CallOptions);
    expect(cached.inner).toHaveLength(1);
    expect(result).toBe(cached.inner[0]);
    expect(headers(cached.seen[0]!.metadata)["authorization"]).toBe(headers(first.seen[0]!.metadata)["authorization"]);
  });

  it("an attempt starting past the deadline fails with DEADLINE_EXCEEDED on its first next()", async () => {
    const { call, inner } = invokeCall();
    const middleware = createAttemptMetadataMiddleware(() => undefined);
    const result = middleware(call, { deadline: new Date(Date.now() - 1) } as CallOptions);
    expect(inner).toHaveLength(0);
    const error: unknown = await result.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe(Status.DEADLINE_EXCEEDED);
  });
});

describe("requestIdOptionMiddleware", () => {
  it("passes the options on untouched when the call has a request id", async () => {
    const { call, seen } = invokeCall();
    const options = { requestId: "given" } as CallOptions;
    await drain(requestIdOptionMiddleware(call, options));
    expect(seen[0]).toBe(options);
  });

  it("else fixes one as requestIdMiddleware would: the metadata's, or a new UUID; it writes no header", async () => {
    const fromMetadata = invokeCall();
    await drain(requestIdOptionMiddleware(fromMetadata.call, { metadata: Metadata({ "x-request-id": "from-header" }) } as CallOptions));
    expect((fromMetadata.seen[0] as { requestId?: string }).requestId).toBe("from-header");

    const fresh = invokeCall();
    await drain(requestIdOptionMiddleware(fresh.call, {} as CallOptions));
    expect((fresh.seen[0] as { requestId?: string }).requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fresh.seen[0]!.metadata).toBeUndefined();
  });
});
