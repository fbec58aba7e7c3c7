/**
 * The caller's deadline (`grpc-timeout`) and its cancellation reach the
 * upstream provider: the fake provider sees its HTTP request closed.
 */
import { Status } from "nice-grpc";
import { describe, expect, it } from "vitest";
import { authMetadata, clientErrorOf } from "../helpers/grpc-client.js";
import { STALLING_PROVIDERS, startStallingUpstream, type StallingProvider } from "../helpers/provider-wire/stalling.js";
import { startReferenceServer } from "../helpers/reference-server.js";
import { wireTenant } from "../helpers/user-context.js";

/** A server in front of a fake `provider` that streams its first event, then stalls. */
async function stallingProvider(provider: StallingProvider) {
  const upstream = await startStallingUpstream(provider);
  const server = await startReferenceServer({ env: provider.env(upstream.url), providerMaxRetries: 0 });
  return { upstream, ...server };
}

const base = wireTenant;

describe.each(STALLING_PROVIDERS)("$name: deadline and cancellation reach the provider", (provider) => {
  it("a client cancel mid-stream closes the upstream request", async () => {
    const { upstream, client } = await stallingProvider(provider);
    const controller = new AbortController();
    const stream = client.invoke({ ...base, ...provider.request, stream: true }, { metadata: await authMetadata(), signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    let first = await iterator.next();
    while (first.value?.content === "") first = await iterator.next(); // Anthropic opens with message_start
    expect(first.value?.content).toBe("Hi");
    const request = await upstream.nextRequest();
    controller.abort();
    await expect(iterator.next()).rejects.toMatchObject({ name: "AbortError" });
    await request.aborted;
  });

  it("breaking out of for-await closes the upstream request", async () => {
    const { upstream, client } = await stallingProvider(provider);
    for await (const chunk of client.invoke({ ...base, ...provider.request, stream: true }, { metadata: await authMetadata() })) {
      if (chunk.content === "") continue; // Anthropic opens with message_start
      expect(chunk.content).toBe("Hi");
      break;
    }
    await (await upstream.nextRequest()).aborted;
  });

  it("the grpc-timeout deadline ends a stalled stream with DEADLINE_EXCEEDED and closes the upstream request", async () => {
    const { upstream, client } = await stallingProvider(provider);
    const chunks: string[] = [];
    const error = await clientErrorOf(async () => {
      for await (const chunk of client.invoke({ ...base, ...provider.request, stream: true }, { metadata: await authMetadata({ "grpc-timeout": "300m" }) })) {
        chunks.push(chunk.content);
      }
    });
    expect(error.code).toBe(Status.DEADLINE_EXCEEDED);
    expect(chunks.join("")).toBe("Hi");
    await (await upstream.nextRequest()).aborted;
  });

  it("the grpc-timeout deadline ends a non-stream call whose provider never answers", async () => {
    const { upstream, client } = await stallingProvider(provider);
    const error = await clientErrorOf(async () => {
      for await (const _ of client.invoke({ ...base, ...provider.request }, { metadata: await authMetadata({ "grpc-timeout": "200m" }) })) {
        // no message arrives
      }
    });
    expect(error.code).toBe(Status.DEADLINE_EXCEEDED);
    await (await upstream.nextRequest()).aborted;
  });
});

describe("deadline on the offline provider", () => {
  it("a slow offline stream stops at the caller's deadline", async () => {
    const { client, server } = await startReferenceServer({ offline: true, offlineChunkDelayMs: 50 });
    const chunks: string[] = [];
    const error = await clientErrorOf(async () => {
      for await (const chunk of client.invoke(
        { ...base, provider: "openai", invokeType: "chat-completions", stream: true, extra: { model: "m", messages: [{ role: "user", content: "hi" }], max_tokens: 1000 } },
        { metadata: await authMetadata({ "grpc-timeout": "300m" }) },
      )) {
        chunks.push(chunk.content);
      }
    });
    expect(error.code).toBe(Status.DEADLINE_EXCEEDED);
    expect(chunks.length).toBeLessThan(1000);
    // the handler has ended too: close() waits for calls in flight, and would hold for a minute otherwise
    await server.close({ graceMs: 60_000 });
    expect(server.inFlight).toBe(0);
  });
});
