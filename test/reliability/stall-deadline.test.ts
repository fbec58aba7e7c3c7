// A stalled network (the proxy stops forwarding) against deadlines: the
// client gives up at its deadline — within 100 ms of it, a bound on our own
// timer handling measured from the start of the call — and the server, which
// got the deadline on the wire, stops by itself and aborts its upstream
// provider request even though the client's cancel cannot reach it.
import { describe, expect, it } from "vitest";
import {
  createModelClient,
  DeadlineExceededError,
  type InvokeRequest,
  invoke,
  invokeStream,
  StreamInterruptedError,
} from "tamar-model-client";
import { SECRET } from "../helpers/tokens.js";
import { STALLING_PROVIDERS, startStallingUpstream } from "../helpers/provider-wire/stalling.js";
import { drain, report } from "./helpers/report.js";
import { chatRequest, startStack, userContext } from "./helpers/stack.js";

/** Overshoot allowed past a deadline: timer handling, not network time (the bound). */
const MAX_OVERSHOOT_MS = 100;
/** Deadlines are generous so that a slow start cannot eat them; only the overshoot is asserted. */
const TIMEOUT_MS = 1_500;

const openai = STALLING_PROVIDERS[0];
const openaiRequest: InvokeRequest = {
  provider: "openai",
  model: openai.request.extra.model,
  messages: [...openai.request.extra.messages],
  userContext,
};

/** Milliseconds from `started` to now, past `deadlineMs`. */
const overshoot = (started: number, deadlineMs: number) => performance.now() - started - deadlineMs;

async function stackWithStallingOpenAI() {
  const upstream = await startStallingUpstream(openai);
  const stack = await startStack({ server: { offline: false, env: openai.env(upstream.url), providerMaxRetries: 0 } });
  return { upstream, ...stack };
}

describe("stalled network, deadline honoured", () => {
  it("stalled before the request gets through: DeadlineExceededError within 100 ms of timeoutMs; the connection works once the network does", async () => {
    const stack = await startStack();
    await invoke(stack.client, chatRequest("warm up"));
    stack.proxy.stall();
    const started = performance.now();
    const error = await invoke(stack.client, chatRequest("never gets through"), { timeoutMs: TIMEOUT_MS, requestId: "rel-stall-1" }).catch((e: unknown) => e);
    const late = overshoot(started, TIMEOUT_MS);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ requestId: "rel-stall-1", retryable: false });
    expect(late).toBeGreaterThanOrEqual(-1);
    expect(late).toBeLessThanOrEqual(MAX_OVERSHOOT_MS);
    stack.proxy.resume();
    expect((await invoke(stack.client, chatRequest("after the stall"))).content).toContain("digest:");
    report("stall before the server", { timeoutMs: TIMEOUT_MS, overshootMs: late.toFixed(1) });
  });

  it("invoke: provider silent, network stalled once the provider has the request → client deadline within 100 ms; the server's own deadline aborts the upstream request", async () => {
    const { upstream, proxy, client, serverCallEnded } = await stackWithStallingOpenAI();
    const started = performance.now();
    const pending = invoke(client, openaiRequest, { timeoutMs: TIMEOUT_MS, requestId: "rel-stall-2" }).catch((e: unknown) => e);
    const request = await upstream.nextRequest();
    proxy.stall(); // from here the client's cancel cannot reach the server
    const error = await pending;
    const late = overshoot(started, TIMEOUT_MS);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(late).toBeLessThanOrEqual(MAX_OVERSHOOT_MS);
    await request.aborted; // the server gave up on its own, from the grpc-timeout it received
    const record = await serverCallEnded("rel-stall-2");
    expect(["CANCELLED", "DEADLINE_EXCEEDED"]).toContain(record["status"]);
    report("stall, provider silent (invoke)", { overshootMs: late.toFixed(1), upstreamAborted: true, serverStatus: String(record["status"]) });
  });

  it("stream: stalled after the first chunk → StreamInterruptedError(DeadlineExceededError) within 100 ms of timeoutMs; the server aborts the upstream request", async () => {
    const { upstream, proxy, client, serverCallEnded } = await stackWithStallingOpenAI();
    const started = performance.now();
    const { chunks, error } = await drain(invokeStream(client, openaiRequest, { timeoutMs: TIMEOUT_MS, requestId: "rel-stall-3" }), () => proxy.stall());
    const late = overshoot(started, TIMEOUT_MS);
    expect(chunks.map((chunk) => chunk.content)).toEqual(["Hi"]);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as Error).cause).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ requestId: "rel-stall-3", chunksReceived: 1 });
    expect(late).toBeLessThanOrEqual(MAX_OVERSHOOT_MS);
    await (await upstream.nextRequest()).aborted;
    expect((await serverCallEnded("rel-stall-3"))["status"]).toBe("CANCELLED");
    report("stall mid-stream", { overshootMs: late.toFixed(1), upstreamAborted: true });
  });

  it("stream without a deadline, stalled: the idle timeout fires within 100 ms; the cancel reaches the server once the network moves again, and the upstream request ends", async () => {
    const upstream = await startStallingUpstream(openai);
    const idleTimeoutMs = 800;
    const { proxy, client, server, serverCallEnded } = await startStack({
      server: { offline: false, env: openai.env(upstream.url), providerMaxRetries: 0 },
      client: { streamIdleTimeoutMs: idleTimeoutMs },
    });
    let firstChunkAt = 0;
    const { chunks, error } = await drain(invokeStream(client, openaiRequest, { requestId: "rel-stall-4" }), () => {
      firstChunkAt = performance.now();
      proxy.stall();
    });
    const late = overshoot(firstChunkAt, idleTimeoutMs);
    expect(chunks).toHaveLength(1);
    expect((error as Error).cause).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toContain(`no message for ${idleTimeoutMs} ms`);
    expect(late).toBeLessThanOrEqual(MAX_OVERSHOOT_MS);
    const request = await upstream.nextRequest();
    expect(server.inFlight).toBe(1); // no deadline on the wire: the server waits for the cancel
    proxy.resume();
    await request.aborted;
    expect((await serverCallEnded("rel-stall-4"))["status"]).toBe("CANCELLED");
    report("stall, idle timeout", { idleTimeoutMs, overshootMs: late.toFixed(1), cancelDeliveredAfterStall: true });
  });
});

describe("a slow network is not a fault", () => {
  it("every piece delayed by 30 ms each way: the stream arrives whole; a first-chunk timeout shorter than the round trip fails typed", async () => {
    const stack = await startStack();
    const clean = await drain(invokeStream(stack.client, chatRequest("delayed", 20)));
    stack.proxy.delay(30);
    const delayed = await drain(invokeStream(stack.client, chatRequest("delayed", 20)));
    expect(delayed.error).toBeUndefined();
    expect(delayed.chunks.map((chunk) => chunk.content)).toEqual(clean.chunks.map((chunk) => chunk.content));
    // No answer can arrive within 60 ms (30 ms there, 30 ms back): a 40 ms first-chunk timeout must fire.
    const impatient = createModelClient({ address: stack.proxy.address, jwtSecretKey: SECRET, useTls: false, env: {}, envFile: false, streamFirstChunkTimeoutMs: 40, maxRetries: 0 });
    try {
      const { chunks, error } = await drain(invokeStream(impatient, chatRequest("delayed", 20)));
      expect(chunks).toEqual([]);
      expect(error).toBeInstanceOf(DeadlineExceededError);
      expect((error as Error).message).toContain("no first message within 40 ms");
    } finally {
      await impatient.close();
    }
  });
});
