// Transport faults between client and server, injected by the fault proxy:
// a failure before the first chunk is retried and the answer arrives whole,
// once; a failure after chunks were delivered is a typed error carrying the
// request id, and no chunk is ever delivered twice.
import { describe, expect, it } from "vitest";
import {
  invoke,
  invokeStream,
  type Logger,
  type ModelResponse,
  StreamInterruptedError,
  UnavailableError,
} from "tamar-model-client";
import { drain, report } from "./helpers/report.js";
import { chatRequest, startStack, type Stack } from "./helpers/stack.js";

/** The offline provider's answer to `prompt` with `words` words, chunk by chunk, from a fault-free call. */
async function expectedChunks(stack: Stack, prompt: string, words: number): Promise<string[]> {
  const { chunks, error } = await drain(invokeStream(stack.client, chatRequest(prompt, words)));
  expect(error).toBeUndefined();
  return chunks.map((chunk) => chunk.content ?? "");
}

const contents = (chunks: ModelResponse[]) => chunks.map((chunk) => chunk.content ?? "");

/** A logger that calls `onRetry` at each `request.retry` event. */
function onRetryLogger(onRetry: () => void): Logger {
  const ignore = () => {};
  return { debug: ignore, info: ignore, error: ignore, warn: (fields) => fields["event"] === "request.retry" && onRetry() };
}

describe("a fault before the first chunk is retried", () => {
  it("connection reset when the server starts answering a stream → retried on a new connection, every chunk once", async () => {
    const stack = await startStack();
    const expected = await expectedChunks(stack, "reset before the first chunk", 12);
    const connections = stack.proxy.accepted;
    const cut = stack.proxy.cutAfterServerBytes(0, "reset");
    const { chunks, error } = await drain(invokeStream(stack.client, chatRequest("reset before the first chunk", 12), { requestId: "rel-reset-first" }));
    await cut;
    expect(error).toBeUndefined();
    expect(contents(chunks)).toEqual(expected);
    expect(chunks.every((chunk) => chunk.requestId === "rel-reset-first")).toBe(true);
    expect(stack.attempts.get("rel-reset-first")).toBe(2);
    expect(stack.proxy.faults).toBe(1);
    expect(stack.proxy.accepted).toBe(connections + 1); // the retry opened a new connection
    // Both attempts reached the server (the first one had started answering).
    await stack.serverCallEnded("rel-reset-first", 2);
    report("reset before first chunk", { attempts: 2, chunks: chunks.length, duplicates: 0 });
  });

  it("connection reset when the server starts answering invoke → retried, one answer", async () => {
    const stack = await startStack();
    await invoke(stack.client, chatRequest("warm up"));
    const cut = stack.proxy.cutAfterServerBytes(0, "reset");
    const answer = await invoke(stack.client, chatRequest("reset before the answer"), { requestId: "rel-reset-unary" });
    await cut;
    expect(answer.content).toMatch(/^\[openai\/chat-completions\/gpt-4o-mini\] digest:/);
    expect(stack.attempts.get("rel-reset-unary")).toBe(2);
  });

  it.each(["refused (ECONNREFUSED)", "reset on accept"] as const)(
    "new connections %s: with the default retry settings the call rides it out once connections work again",
    async (fault) => {
      // Connections work again as soon as the client reports its first retry: an event, not a timer.
      let heal = async () => {};
      let healed: Promise<void> | undefined;
      const logger = onRetryLogger(() => {
        healed ??= heal();
      });
      const stack = await startStack({ client: { logger, retryDelayMs: 1000, maxRetries: 3 } });
      if (fault === "reset on accept") {
        stack.proxy.setAcceptMode("reset");
        heal = async () => stack.proxy.setAcceptMode("forward");
      } else {
        await stack.proxy.refuse();
        heal = () => stack.proxy.unrefuse();
      }
      const started = performance.now();
      const answer = await invoke(stack.client, chatRequest(`new connections ${fault}`), { requestId: "rel-refused" });
      expect(healed).toBeDefined();
      expect(answer.requestId).toBe("rel-refused");
      const attempts = stack.attempts.get("rel-refused")!;
      expect(attempts).toBeGreaterThanOrEqual(2);
      expect(attempts).toBeLessThanOrEqual(4);
      report(`connections ${fault}`, { attempts, ms: Math.round(performance.now() - started) });
    },
  );
});

describe("a fault after chunks were delivered is never retried", () => {
  it("the connection closes in the middle of a stream (after 4 KiB from the server) → StreamInterruptedError with the request id; the chunks are a prefix, none twice", async () => {
    const stack = await startStack();
    const expected = await expectedChunks(stack, "cut in the middle", 2000);
    const cut = stack.proxy.cutAfterServerBytes(4096, "close");
    const { chunks, error } = await drain(invokeStream(stack.client, chatRequest("cut in the middle", 2000), { requestId: "rel-cut-bytes" }));
    await cut;
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(error).toMatchObject({ requestId: "rel-cut-bytes", chunksReceived: chunks.length, retryable: true });
    expect((error as Error).message).toContain("rel-cut-bytes");
    expect((error as Error).cause).toBeInstanceOf(UnavailableError);
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.length).toBeLessThan(expected.length);
    expect(contents(chunks)).toEqual(expected.slice(0, chunks.length));
    expect(stack.attempts.get("rel-cut-bytes")).toBe(1);
    expect(stack.proxy.faults).toBe(1);
    report("cut after 4 KiB", { chunksDelivered: chunks.length, of: expected.length, attempts: 1, error: (error as Error).name });
  });

  it("a connection reset after the consumer got 3 chunks → StreamInterruptedError; the server's handler ends; nothing repeated", async () => {
    const reference = await startStack();
    const expected = await expectedChunks(reference, "reset mid-stream", 400);
    // 400 chunks 5 ms apart take the server at least 2 s: the reset at chunk 3 comes long before its end.
    const stack = await startStack({ server: { offlineChunkDelayMs: 5 } });
    let resets = 0;
    const { chunks, error } = await drain(invokeStream(stack.client, chatRequest("reset mid-stream", 400), { requestId: "rel-reset-mid" }), (_chunk, index) => {
      if (index === 2) resets = stack.proxy.resetAll();
    });
    expect(resets).toBe(1);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(error).toMatchObject({ requestId: "rel-reset-mid", chunksReceived: chunks.length });
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(contents(chunks)).toEqual(expected.slice(0, chunks.length));
    expect(stack.attempts.get("rel-reset-mid")).toBe(1);
    const record = await stack.serverCallEnded("rel-reset-mid");
    expect(record["status"]).toBe("CANCELLED");
    expect(stack.server.inFlight).toBe(0);
    report("reset after 3 chunks", { chunksDelivered: chunks.length, of: expected.length, attempts: 1, serverStatus: String(record["status"]) });
  });
});
