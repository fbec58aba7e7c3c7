/**
 * The caller's deadline (`grpc-timeout`) and its cancellation reach the
 * upstream provider: the fake provider sees its HTTP request closed.
 */
import type { ServerResponse } from "node:http";
import { Status } from "nice-grpc";
import { describe, expect, it } from "vitest";
import { authMetadata, clientErrorOf } from "./helpers/grpc-client.js";
import { sseEvent, startFakeUpstream, startSse, type RecordedRequest } from "../helpers/fake-upstream.js";
import { startTestServer } from "./helpers/server.js";

// Each provider's first stream event, after which the fake provider stalls.
const PROVIDERS = [
  {
    name: "openai",
    env: (url: string) => ({ OPENAI_API_KEY: "sk-test-0123456789", OPENAI_BASE_URL: `${url}/v1` }),
    request: { provider: "openai", invokeType: "chat-completions", extra: { model: "m", messages: [{ role: "user", content: "hi" }] } },
    firstEvent: sseEvent({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: null }] }),
  },
  {
    name: "anthropic",
    env: (url: string) => ({ ANTHROPIC_API_KEY: "sk-ant-test-0123456789", ANTHROPIC_BASE_URL: url }),
    request: { provider: "anthropic", invokeType: "messages", extra: { model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] } },
    firstEvent:
      sseEvent({ type: "message_start", message: { id: "x", type: "message", role: "assistant", model: "m", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 0 } } }, "message_start") +
      sseEvent({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } }, "content_block_delta"),
  },
  {
    name: "google",
    env: (url: string) => ({ GEMINI_API_KEY: "AIza-test-0123456789", GOOGLE_GEMINI_BASE_URL: url }),
    request: { provider: "google", invokeType: "generation", extra: { model: "m", contents: "hi" } },
    firstEvent: sseEvent({ candidates: [{ content: { role: "model", parts: [{ text: "Hi" }] }, index: 0 }] }, undefined, "\r\n"),
  },
] as const;

type Provider = (typeof PROVIDERS)[number];

/** A fake provider that answers a stream with its first event, then stalls; a non-stream call never gets an answer. */
async function stallingProvider(provider: Provider) {
  const upstream = await startFakeUpstream((request: RecordedRequest, res: ServerResponse) => {
    const streaming = request.path.includes("stream") || request.json().stream === true;
    if (streaming) {
      startSse(res);
      res.write(provider.firstEvent);
    }
  });
  const server = await startTestServer({ env: provider.env(upstream.url), providerMaxRetries: 0 });
  return { upstream, ...server };
}

const base = { orgId: "org-1", userId: "user-1" };

describe.each(PROVIDERS)("$name: deadline and cancellation reach the provider", (provider) => {
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
    const { client, server } = await startTestServer({ offline: true, offlineChunkDelayMs: 50 });
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
