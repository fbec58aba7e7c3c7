// A retry never makes a second provider call: the fault proxy resets the
// client↔server connection after the provider (a loopback fake of OpenAI's
// API that counts its requests) has received the request; the client's retry
// attaches to the running call or gets its stored answer. An explicit cancel
// still closes the provider request at once; a lost connection keeps it for
// the grace period only.
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { CancelledError, invoke, invokeBatch, invokeStream, type ModelResponse } from "tamar-model-client";
import { deferred } from "../helpers/deferred.js";
import { startFakeUpstream, sseEvent, startSse, type RecordedRequest } from "../helpers/fake-upstream.js";
import { chatChunk, CHAT_USAGE, openAIApi } from "../helpers/provider-wire/openai.js";
import { drain, report } from "./helpers/report.js";
import { chatRequest, startStack, userContext, type Stack } from "./helpers/stack.js";

const openaiEnv = (url: string) => ({ OPENAI_API_KEY: "sk-test-0123456789", OPENAI_BASE_URL: `${url}/v1` });

const HOLD = "[hold]";

/**
 * A fake OpenAI that holds the answer to a prompt containing {@link HOLD}
 * until `release()` (a stream gets its role and first text chunk at once);
 * other prompts are answered at once.
 */
async function heldUpstream() {
  const gate = deferred();
  const upstream = await startFakeUpstream(async (request, res) => {
    if (!JSON.stringify(request.json().messages).includes(HOLD)) return openAIApi(request, res);
    if (request.json().stream === true) {
      startSse(res);
      res.write(sseEvent(chatChunk({ role: "assistant", content: "" })));
      res.write(sseEvent(chatChunk({ content: "Hi" })));
      await gate.promise;
      writeRest(res);
      return;
    }
    await gate.promise;
    openAIApi(request, res);
  });
  return { upstream, release: () => gate.resolve() };
}

function writeRest(res: ServerResponse): void {
  res.write(sseEvent(chatChunk({ content: " there" })));
  res.write(sseEvent(chatChunk({}, "stop")));
  res.write(sseEvent(chatChunk({}, null, CHAT_USAGE)));
  res.end(sseEvent("[DONE]"));
}

async function stackBehind(upstreamUrl: string, server: Record<string, unknown> = {}): Promise<Stack> {
  return startStack({ server: { offline: false, env: openaiEnv(upstreamUrl), providerMaxRetries: 0, ...server } });
}

/** Resolves once `count` attempts of `requestId` have attached to its running call on the server. */
async function attached(stack: Stack, requestId: string, count = 1): Promise<void> {
  let seen = 0;
  await stack.log.waitFor((record) => record.msg === "attempt attached to the running call" && record["request_id"] === requestId && ++seen === count);
}

/** Resolves with the first `count` requests the fake provider receives. */
async function received(upstream: { nextRequest(): Promise<RecordedRequest> }, count: number): Promise<RecordedRequest[]> {
  const requests: RecordedRequest[] = [];
  for (let i = 0; i < count; i++) requests.push(await upstream.nextRequest());
  return requests;
}

const contents = (chunks: readonly ModelResponse[]) => chunks.map((chunk) => chunk.content ?? "");

describe("a connection reset after the provider received the request: one provider request per client call", () => {
  it("invoke: the retry attaches to the running call and gets its answer", async () => {
    const { upstream, release } = await heldUpstream();
    const stack = await stackBehind(upstream.url);
    const answer = invoke(stack.client, chatRequest(`reset while the provider works ${HOLD}`), { requestId: "eo-invoke" });
    await received(upstream, 1);
    expect(stack.proxy.resetAll()).toBe(1);
    await attached(stack, "eo-invoke");
    release();
    expect((await answer).content).toBe("Hi there");
    expect(upstream.requests).toHaveLength(1);
    expect(stack.attempts.get("eo-invoke")).toBe(2);
    expect((await stack.serverCallEnded("eo-invoke", 2))["dedup"]).toBe("attached");
    report("reset after upstream received (invoke)", { attempts: 2, upstream_requests: upstream.requests.length });
  });

  it("invoke: reset as the answer leaves the server → the retry gets the same answer, no second provider request", async () => {
    const upstream = await startFakeUpstream(openAIApi);
    const stack = await stackBehind(upstream.url);
    await invoke(stack.client, chatRequest("warm up"));
    const cut = stack.proxy.cutAfterServerBytes(0, "reset");
    const answer = await invoke(stack.client, chatRequest("reset as the answer leaves"), { requestId: "eo-late" });
    await cut;
    expect(answer.content).toBe("Hi there");
    expect(stack.attempts.get("eo-late")).toBe(2);
    expect(upstream.requests).toHaveLength(2); // the warm-up and this call
    expect(["attached", "stored"]).toContain((await stack.serverCallEnded("eo-late", 2))["dedup"]);
  });

  it("invokeStream: reset before the first chunk reached the client → the retry replays what was buffered, then the rest live", async () => {
    const { upstream, release } = await heldUpstream();
    const stack = await stackBehind(upstream.url);
    await invoke(stack.client, chatRequest("warm up"));
    await received(upstream, 1);
    const cut = stack.proxy.cutAfterServerBytes(0, "reset");
    const stream = drain(invokeStream(stack.client, chatRequest(`reset before the first chunk ${HOLD}`), { requestId: "eo-stream" }));
    await received(upstream, 1);
    await cut;
    await attached(stack, "eo-stream");
    release();
    const { chunks, error } = await stream;
    expect(error).toBeUndefined();
    expect(contents(chunks)).toEqual(["", "Hi", " there", "", ""]);
    expect(chunks.at(-1)?.usage).toMatchObject({ total_tokens: CHAT_USAGE.total_tokens });
    expect(upstream.requests).toHaveLength(2); // the warm-up and this stream
    expect(stack.attempts.get("eo-stream")).toBe(2);
    report("reset before first chunk (invokeStream)", { attempts: 2, chunks: chunks.length, upstream_requests: 1 });
  });

  it("invokeBatch: every item attaches to its running call; each item costs one provider request", async () => {
    const { upstream, release } = await heldUpstream();
    const stack = await stackBehind(upstream.url);
    const items = ["a", "b", "c"].map((customId) => {
      const { userContext: _, ...item } = chatRequest(`item ${customId} ${HOLD}`);
      return { ...item, customId };
    });
    const batch = invokeBatch(stack.client, { userContext, items }, { requestId: "eo-batch" });
    await received(upstream, items.length);
    stack.proxy.resetAll();
    await attached(stack, "eo-batch", items.length);
    release();
    const reply = await batch;
    expect(reply.responses.map((response) => [response.customId, response.content, response.error])).toEqual([
      ["a", "Hi there", undefined],
      ["b", "Hi there", undefined],
      ["c", "Hi there", undefined],
    ]);
    expect(upstream.requests).toHaveLength(items.length);
    expect(stack.attempts.get("eo-batch")).toBe(2);
    report("reset after upstream received (invokeBatch)", { items: items.length, upstream_requests: upstream.requests.length });
  });
});

describe("a finished answer is kept for a late retry, for its tenant and request only", () => {
  it("the same call again (same tenant, request id and request) gets the stored answer", async () => {
    const upstream = await startFakeUpstream(openAIApi);
    const stack = await stackBehind(upstream.url);
    const first = await invoke(stack.client, chatRequest("late retry"), { requestId: "eo-stored" });
    const again = await invoke(stack.client, chatRequest("late retry"), { requestId: "eo-stored" });
    expect(again).toEqual(first);
    expect(upstream.requests).toHaveLength(1);
    expect((await stack.serverCallEnded("eo-stored", 2))["dedup"]).toBe("stored");
    const streamed = await drain(invokeStream(stack.client, chatRequest("late retry"), { requestId: "eo-stored-stream" }));
    const replayed = await drain(invokeStream(stack.client, chatRequest("late retry"), { requestId: "eo-stored-stream" }));
    expect(replayed.chunks).toEqual(streamed.chunks);
    expect(upstream.requests).toHaveLength(2);
  });

  it("another tenant with the same request id and request never gets that answer", async () => {
    const upstream = await startFakeUpstream(openAIApi);
    const stack = await stackBehind(upstream.url);
    await invoke(stack.client, chatRequest("tenants"), { requestId: "eo-tenant" });
    const other = { ...chatRequest("tenants"), userContext: { ...userContext, orgId: "org-2" } };
    const otherUser = { ...chatRequest("tenants"), userContext: { ...userContext, userId: "user-2" } };
    await invoke(stack.client, other, { requestId: "eo-tenant" });
    await invoke(stack.client, otherUser, { requestId: "eo-tenant" });
    expect(upstream.requests).toHaveLength(3);
    expect((await stack.serverCallEnded("eo-tenant", 2))["dedup"]).toBeUndefined();
    expect((await stack.serverCallEnded("eo-tenant", 3))["dedup"]).toBeUndefined();
  });

  it("the same request id reused for a different request is a new call", async () => {
    const upstream = await startFakeUpstream(openAIApi);
    const stack = await stackBehind(upstream.url);
    await invoke(stack.client, chatRequest("one question"), { requestId: "eo-reused" });
    await invoke(stack.client, chatRequest("another question"), { requestId: "eo-reused" });
    expect(upstream.requests).toHaveLength(2);
  });

  it("with dedupTtlMs: 0 nothing is kept", async () => {
    const upstream = await startFakeUpstream(openAIApi);
    const stack = await stackBehind(upstream.url, { dedupTtlMs: 0 });
    await invoke(stack.client, chatRequest("not kept"), { requestId: "eo-ttl0" });
    await invoke(stack.client, chatRequest("not kept"), { requestId: "eo-ttl0" });
    expect(upstream.requests).toHaveLength(2);
  });
});

describe("the size bound", () => {
  it("an answer over dedupMaxAnswerBytes is not shared: the retry makes a call of its own and still gets the whole answer", async () => {
    const { upstream, release } = await heldUpstream();
    const stack = await stackBehind(upstream.url, { dedupMaxAnswerBytes: 1 });
    await invoke(stack.client, chatRequest("warm up"));
    await received(upstream, 1);
    const cut = stack.proxy.cutAfterServerBytes(0, "reset");
    release(); // the retry's own call must not wait for a gate nobody opens
    const { chunks, error } = await drain(invokeStream(stack.client, chatRequest(`too large to share ${HOLD}`), { requestId: "eo-large" }));
    await cut;
    expect(error).toBeUndefined();
    expect(contents(chunks)).toEqual(["", "Hi", " there", "", ""]);
    expect(upstream.requests).toHaveLength(3); // the warm-up, the first attempt and the retry's own call
    expect(stack.log.records.some((record) => record.msg === "answer too large to replay to a retry")).toBe(true);
  });
});

describe("cancel versus transport loss", () => {
  it("an explicit cancel closes the provider request at once, whatever the grace period", async () => {
    const { upstream } = await heldUpstream();
    const stack = await stackBehind(upstream.url, { dedupGraceMs: 3_600_000 });
    const controller = new AbortController();
    const stream = drain(invokeStream(stack.client, chatRequest(`cancelled ${HOLD}`), { requestId: "eo-cancel", signal: controller.signal }), () =>
      controller.abort(),
    );
    const [request] = await received(upstream, 1);
    const { error } = await stream;
    expect(error).toBeInstanceOf(CancelledError);
    await request?.aborted;
    expect(stack.log.records.some((record) => record.msg.startsWith("no retry attached"))).toBe(false);
  });

  it("a lost connection with no retry keeps the provider request for the grace period, then closes it", async () => {
    const { upstream } = await heldUpstream();
    const stack = await stackBehind(upstream.url, { dedupGraceMs: 200 });
    const client = stack.newClient({ maxRetries: 0 });
    const answer = invoke(client, chatRequest(`lost ${HOLD}`), { requestId: "eo-lost" }).catch((error: unknown) => error);
    const [request] = await received(upstream, 1);
    let closed = false;
    void request?.aborted.then(() => (closed = true));
    stack.proxy.resetAll();
    await answer;
    await stack.serverCallEnded("eo-lost");
    expect(closed).toBe(false); // the attempt is over on the server, the provider request is not
    await stack.log.waitFor((record) => record.msg.startsWith("no retry attached") && record["request_id"] === "eo-lost");
    await request?.aborted;
  });
});
