// Cancelling through the SDK — an AbortSignal, or `break` out of `for await` —
// ends the server's handler and the upstream provider request, for every
// provider (the real provider SDKs talk to loopback fakes) and offline.
import { describe, expect, it } from "vitest";
import { CancelledError, type InvokeRequest, invoke, invokeStream } from "tamar-model-client";
import { STALLING_PROVIDERS, startStallingUpstream, type StallingProvider } from "../helpers/provider-wire/stalling.js";
import { drain, report } from "./helpers/report.js";
import { chatRequest, startStack, userContext } from "./helpers/stack.js";

/** The SDK request matching the fake provider's wire request. */
const sdkRequest = (provider: StallingProvider) =>
  ({ provider: provider.request.provider, invokeType: provider.request.invokeType, ...provider.request.extra, userContext }) as InvokeRequest;

async function stackFor(provider: StallingProvider) {
  const upstream = await startStallingUpstream(provider);
  const stack = await startStack({ server: { offline: false, env: provider.env(upstream.url), providerMaxRetries: 0 } });
  return { upstream, ...stack };
}

const outcomes: string[] = [];

describe.each(STALLING_PROVIDERS)("$name: cancelling ends the server handler and the upstream request", (provider) => {
  it("invoke, AbortSignal while the provider works → CancelledError; handler and upstream request end", async () => {
    const { upstream, client, server, serverCallEnded } = await stackFor(provider);
    const controller = new AbortController();
    const pending = invoke(client, sdkRequest(provider), { signal: controller.signal, requestId: `abort-unary-${provider.name}` }).catch((e: unknown) => e);
    const request = await upstream.nextRequest();
    controller.abort(new Error("the user left"));
    const error = await pending;
    expect(error).toBeInstanceOf(CancelledError);
    expect(error).toMatchObject({ requestId: `abort-unary-${provider.name}` });
    await request.aborted;
    expect((await serverCallEnded(`abort-unary-${provider.name}`))["status"]).toBe("CANCELLED");
    expect(server.inFlight).toBe(0);
    outcomes.push(`${provider.name}/invoke+signal`);
  });

  it("invokeStream, AbortSignal after the first chunk → CancelledError; handler and upstream request end", async () => {
    const { upstream, client, server, serverCallEnded } = await stackFor(provider);
    const controller = new AbortController();
    const id = `abort-stream-${provider.name}`;
    const { chunks, error } = await drain(invokeStream(client, sdkRequest(provider), { signal: controller.signal, requestId: id }), (chunk) => {
      if (chunk.content) controller.abort();
    });
    expect(chunks.map((chunk) => chunk.content).join("")).toBe("Hi");
    expect(error).toBeInstanceOf(CancelledError);
    expect(error).toMatchObject({ requestId: id });
    await (await upstream.nextRequest()).aborted;
    expect((await serverCallEnded(id))["status"]).toBe("CANCELLED");
    expect(server.inFlight).toBe(0);
    outcomes.push(`${provider.name}/stream+signal`);
  });

  it("invokeStream, break after the first chunk → no error; handler and upstream request end", async () => {
    const { upstream, client, server, serverCallEnded } = await stackFor(provider);
    const id = `abort-break-${provider.name}`;
    let text = "";
    for await (const chunk of invokeStream(client, sdkRequest(provider), { requestId: id })) {
      text += chunk.content ?? "";
      if (text) break;
    }
    expect(text).toBe("Hi");
    await (await upstream.nextRequest()).aborted;
    expect((await serverCallEnded(id))["status"]).toBe("CANCELLED");
    expect(server.inFlight).toBe(0);
    outcomes.push(`${provider.name}/stream+break`);
  });
});

describe("offline provider", () => {
  it("break out of a long stream ends the server's handler (no upstream to wait for)", async () => {
    const { client, server, serverCallEnded } = await startStack({ server: { offlineChunkDelayMs: 5 } });
    let received = 0;
    for await (const _ of invokeStream(client, chatRequest("a long answer", 10_000), { requestId: "abort-offline" })) {
      if (++received === 3) break;
    }
    const record = await serverCallEnded("abort-offline");
    expect(record["status"]).toBe("CANCELLED");
    expect(record["messages"]).toBeLessThan(10_000);
    expect(server.inFlight).toBe(0);
    outcomes.push("offline/stream+break");
    report("abort", { cases: outcomes.length, upstreamAborted: outcomes.length - 1, all: outcomes.join(",") });
  });
});
