/**
 * Cancellation and deadlines through the SDK client: the user gets the typed
 * error, and the fake provider sees its HTTP request closed — the server
 * stopped the upstream work, it did not just stop listening.
 */
import { describe, expect, it } from "vitest";
import {
  CancelledError,
  ClientClosedError,
  DeadlineExceededError,
  type InvokeRequest,
  invoke,
  invokeStream,
  type ModelResponse,
  StreamInterruptedError,
} from "tamar-model-client";
import { startFakeUpstream } from "../helpers/fake-upstream.js";
import { FIRST_EVENTS, stallingApi } from "../helpers/provider-wire/stalling.js";
import { type BackendName, failureOf, startStack, userContext } from "./helpers/stack.js";

const PROVIDERS: { name: string; backend: BackendName; firstEvent: string; request: InvokeRequest }[] = [
  {
    name: "openai",
    backend: "openai",
    firstEvent: FIRST_EVENTS.openai,
    request: { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], userContext },
  },
  {
    name: "google",
    backend: "ai-studio",
    firstEvent: FIRST_EVENTS.google,
    request: { provider: "google", model: "gemini-2.5-flash", contents: "Hello", userContext },
  },
  {
    name: "anthropic",
    backend: "anthropic",
    firstEvent: FIRST_EVENTS.anthropic,
    request: { provider: "anthropic", model: "claude-sonnet-4", max_tokens: 100, messages: [{ role: "user", content: "Hello" }], userContext },
  },
];

// Short deadlines: the fake provider stalls, so they always expire; their length only bounds the test's run time.
const DEADLINE_MS = 200;

describe.each(PROVIDERS)("$name: cancelling through the SDK stops the provider request", (provider) => {
  async function stalled(clientOptions = {}) {
    const upstream = await startFakeUpstream(stallingApi(provider.firstEvent));
    const { client } = await startStack({ [provider.backend]: upstream.url }, { client: clientOptions });
    return { upstream, client };
  }

  /** Reads a stream up to its first text, hands the iterator back. */
  async function untilFirstText(stream: AsyncGenerator<ModelResponse>) {
    const received: ModelResponse[] = [];
    for (;;) {
      const next = await stream.next();
      if (next.done) throw new Error("the stream ended before its first text");
      received.push(next.value);
      if (next.value.content !== undefined) return received;
    }
  }

  it("invoke: an aborted signal → CancelledError", async () => {
    const { upstream, client } = await stalled();
    const controller = new AbortController();
    const call = failureOf(() => invoke(client, provider.request, { signal: controller.signal, requestId: "abort-1" }));
    const sent = await upstream.nextRequest();
    controller.abort();
    const error = await call;
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).requestId).toBe("abort-1");
    await sent.aborted;
  });

  it("invokeStream: an aborted signal after the first chunk → CancelledError (the caller's doing, not an interruption)", async () => {
    const { upstream, client } = await stalled();
    const controller = new AbortController();
    const stream = invokeStream(client, provider.request, { signal: controller.signal, requestId: "abort-2" });
    const received = await untilFirstText(stream);
    expect(received.at(-1)?.content).toBe("Hi");
    controller.abort();
    const error = await failureOf(() => stream.next());
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).requestId).toBe("abort-2");
    await (await upstream.nextRequest()).aborted;
  });

  it("invokeStream: break out of for await", async () => {
    const { upstream, client } = await stalled();
    const contents: string[] = [];
    for await (const chunk of invokeStream(client, provider.request)) {
      if (chunk.content === undefined) continue;
      contents.push(chunk.content);
      break;
    }
    expect(contents).toEqual(["Hi"]);
    await (await upstream.nextRequest()).aborted;
  });

  it("invoke: timeoutMs passes while the provider stalls → DeadlineExceededError", async () => {
    const { upstream, client } = await stalled();
    const error = await failureOf(() => invoke(client, provider.request, { timeoutMs: DEADLINE_MS, requestId: "deadline-1" }));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as DeadlineExceededError).requestId).toBe("deadline-1");
    await (await upstream.nextRequest()).aborted;
  });

  it("invokeStream: timeoutMs passes after the first chunk → StreamInterruptedError caused by the deadline", async () => {
    const { upstream, client } = await stalled();
    const stream = invokeStream(client, provider.request, { timeoutMs: DEADLINE_MS, requestId: "deadline-2" });
    const received = await untilFirstText(stream);
    const error = await failureOf(() => stream.next());
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as StreamInterruptedError).chunksReceived).toBe(received.length);
    expect((error as StreamInterruptedError).cause).toBeInstanceOf(DeadlineExceededError);
    expect((error as StreamInterruptedError).requestId).toBe("deadline-2");
    await (await upstream.nextRequest()).aborted;
  });
});

describe("other ways a call ends early", () => {
  it("the stream idle timeout (no timeoutMs) cancels a stalled stream on the server too", async () => {
    const upstream = await startFakeUpstream(stallingApi(FIRST_EVENTS.openai));
    const { client } = await startStack({ openai: upstream.url }, { client: { streamIdleTimeoutMs: DEADLINE_MS } });
    const contents: (string | undefined)[] = [];
    const error = await failureOf(async () => {
      for await (const chunk of invokeStream(client, PROVIDERS[0]!.request)) contents.push(chunk.content);
    });
    expect(contents).toEqual(["Hi"]);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as StreamInterruptedError).cause).toBeInstanceOf(DeadlineExceededError);
    expect((error as StreamInterruptedError).message).toMatch(/no message for 200 ms/);
    await (await upstream.nextRequest()).aborted;
  });

  it("closing the client ends the call with ClientClosedError and the provider request with it", async () => {
    const upstream = await startFakeUpstream(stallingApi(FIRST_EVENTS.anthropic));
    const { client } = await startStack({ anthropic: upstream.url });
    const call = failureOf(() => invoke(client, PROVIDERS[2]!.request));
    const sent = await upstream.nextRequest();
    await client.close();
    expect(await call).toBeInstanceOf(ClientClosedError);
    await sent.aborted;
  });
});
