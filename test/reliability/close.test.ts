// close() with calls in flight of every kind: each ends with a typed
// ClientClosedError carrying its request id, the server sees every one of
// them cancelled (its providers are aborted), and afterwards the client has
// left no socket or timer behind.
import { ServerError, Status } from "nice-grpc";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import {
  ClientClosedError,
  type InvokeRequest,
  invoke,
  invokeBatch,
  invokeStream,
  type Logger,
} from "tamar-model-client";
import type { ModelProvider } from "tamar-model-client/server";
import { aborted, deferred } from "../helpers/deferred.js";
import { report } from "./helpers/report.js";
import { chatRequest, startStack, userContext } from "./helpers/stack.js";
import { startFaultProxy } from "./helpers/fault-proxy.js";

/** Counts of each kind of active resource (sockets, timers, …) in this process. */
function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** Resources of each kind that `after` has beyond `before` (vitest's own come and go in both). */
function extraResources(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const extra: Record<string, number> = {};
  for (const [kind, count] of after) if (count > (before.get(kind) ?? 0)) extra[kind] = count - (before.get(kind) ?? 0);
  return extra;
}

/**
 * Waits, turn by turn, until nothing beyond `before` is active, or `withinMs`
 * has passed; returns what is left. It polls with setImmediate, not timers,
 * so that it adds no timer of its own to what it counts.
 */
async function resourcesSettle(before: Map<string, number>, withinMs: number): Promise<Record<string, number>> {
  const until = performance.now() + withinMs;
  for (;;) {
    const extra = extraResources(before, activeResources());
    if (Object.keys(extra).length === 0 || performance.now() > until) return extra;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Providers that hold a call until it is cancelled, counting the cancellations they see. */
function holdingProviders() {
  const started: string[] = [];
  const cancelled: string[] = [];
  const hold = (name: string, firstChunk: boolean): ModelProvider => ({
    async *invoke(call) {
      started.push(name);
      if (firstChunk) yield { content: "first" };
      await aborted(call.signal);
      cancelled.push(name);
      call.signal.throwIfAborted();
    },
  });
  const unavailable: ModelProvider = {
    // eslint-disable-next-line require-yield
    async *invoke() {
      throw new ServerError(Status.UNAVAILABLE, "overloaded, try again");
    },
  };
  return { started, cancelled, providers: { openai: hold("openai", false), "google-ai-studio": hold("google", true), anthropic: unavailable } };
}

const openaiRequest: InvokeRequest = { provider: "openai", model: "m", messages: [{ role: "user", content: "hold" }], userContext };
const googleRequest: InvokeRequest = { provider: "google", model: "g", contents: "hold", userContext };
const anthropicRequest: InvokeRequest = { provider: "anthropic", model: "c", max_tokens: 5, messages: [{ role: "user", content: "hi" }], userContext };

describe("close() with calls in flight", () => {
  it("ends every call with ClientClosedError, cancels each on the server, and leaves no socket or timer of the client", async () => {
    const held = holdingProviders();
    const retrying = deferred();
    const logger: Logger = { debug() {}, info() {}, error() {}, warn: (fields) => fields["event"] === "request.retry" && retrying.resolve() };
    const { server, newClient, serverCallEnded } = await startStack({ server: { offline: false, providers: held.providers } });
    const before = activeResources();
    // The first backoff (10–20 s) fits in the 30 s deadline, so the retry waits instead of giving up.
    const client = newClient({ logger, retryDelayMs: 20_000 });
    const outcome = (promise: Promise<unknown>) => promise.then(() => "resolved", (error: unknown) => error);

    const unary = outcome(invoke(client, openaiRequest, { requestId: "close-unary" }));
    const stream = invokeStream(client, googleRequest, { requestId: "close-stream" });
    expect((await stream.next()).value).toMatchObject({ content: "first" });
    const { userContext: _, ...batchItem } = openaiRequest;
    const batch = outcome(invokeBatch(client, { userContext, items: [batchItem] }, { requestId: "close-batch" }));
    const backoff = outcome(invoke(client, anthropicRequest, { requestId: "close-backoff" }));
    await retrying.promise; // the anthropic call sleeps in its backoff
    await vi.waitFor(() => expect(held.started).toHaveLength(3), { timeout: 10_000, interval: 5 }); // unary, stream, batch item
    expect(server.inFlight).toBe(3);

    await client.close();
    const errors = {
      unary: await unary,
      stream: await stream.next().catch((e: unknown) => e),
      batch: await batch,
      backoff: await backoff,
    };
    for (const [kind, error] of Object.entries(errors)) {
      expect(error, kind).toBeInstanceOf(ClientClosedError);
      expect((error as ClientClosedError).requestId, kind).toBe(`close-${kind}`);
    }
    for (const id of ["close-unary", "close-stream", "close-batch"]) expect((await serverCallEnded(id))["status"]).toBe("CANCELLED");
    expect(held.cancelled.sort()).toEqual(["google", "openai", "openai"]);
    expect(server.inFlight).toBe(0);

    // Sockets close asynchronously after close(): wait until they have (bounded), then compare.
    const left = await resourcesSettle(before, 5_000);
    expect(left).toEqual({});
    report("close with calls in flight", {
      calls: Object.keys(errors).length,
      typed: Object.values(errors).filter((error) => error instanceof ClientClosedError).length,
      cancelledOnServer: held.cancelled.length,
      leftoverResources: Object.keys(left).length,
    });
  });

  it("a call waiting for a connection that never completes its handshake ends with ClientClosedError", async () => {
    const { server, newClient } = await startStack();
    const blackHole = await startFaultProxy(server.address);
    onTestFinished(() => blackHole.close());
    blackHole.setAcceptMode("drop");
    const stranded = newClient({ address: blackHole.address });
    const pending = invoke(stranded, chatRequest("stranded"), { requestId: "close-connecting" }).catch((e: unknown) => e);
    await blackHole.accepting(1);
    await stranded.close();
    expect(await pending).toBeInstanceOf(ClientClosedError);
    expect(await pending).toMatchObject({ requestId: "close-connecting" });
  });

  // grpc-js 1.14 shuts down established transports on close, not a connector
  // still in its HTTP/2 handshake: that socket is unref'd (so it holds no
  // process open and getActiveResourcesInfo() does not list it) and lives
  // until the peer closes it. Pinned here: when grpc-js fixes it, this test
  // starts passing and `.fails` must go.
  it.fails("known grpc-js limitation: a connection still in its HTTP/2 handshake is closed by close()", async () => {
    const { server, newClient } = await startStack();
    const blackHole = await startFaultProxy(server.address);
    onTestFinished(() => blackHole.close());
    blackHole.setAcceptMode("drop");
    const stranded = newClient({ address: blackHole.address });
    const pending = invoke(stranded, chatRequest("stranded")).catch((e: unknown) => e);
    await blackHole.accepting(1);
    await stranded.close();
    await pending;
    // The black hole closes its end as soon as the client closes its own.
    await vi.waitFor(() => expect(blackHole.open).toBe(0), { timeout: 2_000, interval: 10 });
  });
});
