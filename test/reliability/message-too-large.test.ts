// A message over a gRPC size limit, on either side, is a MessageTooLargeError
// naming the size and the limit — not a rate limit, and never retried (a
// retry would fetch the same too-large answer from the provider again).
import { describe, expect, it } from "vitest";
import { invoke, invokeBatch, invokeStream, MessageTooLargeError } from "tamar-model-client";
import type { ModelProvider } from "tamar-model-client/server";
import { drain } from "./helpers/report.js";
import { chatRequest, startStack, userContext } from "./helpers/stack.js";

const CLIENT_LIMIT = 4 * 1024 * 1024;

/** An OpenAI provider whose every answer is `size` characters, counting its calls. */
function hugeAnswers(size: number) {
  const counted = { calls: 0 };
  const provider: ModelProvider = {
    async *invoke(call) {
      counted.calls++;
      yield { content: "x".repeat(size), finishReason: "stop", raw: { choices: [{ finish_reason: "stop" }] } };
      if (call.stream) yield { content: "", finishReason: "stop", raw: { choices: [{ finish_reason: "stop" }] } };
    },
  };
  return { counted, providers: { openai: provider } };
}

describe("a message over a size limit", () => {
  it("an answer larger than the client's maxMessageBytes: MessageTooLargeError with size and limit, one attempt, one provider call", async () => {
    const { counted, providers } = hugeAnswers(CLIENT_LIMIT + 1000);
    const stack = await startStack({ server: { offline: false, providers, dedupTtlMs: 0 }, client: { maxMessageBytes: CLIENT_LIMIT } });
    const error = await invoke(stack.client, chatRequest("too large"), { requestId: "mtl-answer" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessageTooLargeError);
    const tooLarge = error as MessageTooLargeError;
    expect(tooLarge.retryable).toBe(false);
    expect(tooLarge.limitBytes).toBe(CLIENT_LIMIT);
    expect(tooLarge.sizeBytes).toBeGreaterThan(CLIENT_LIMIT);
    expect(tooLarge.message).toContain(String(CLIENT_LIMIT));
    expect(tooLarge.message).toContain(String(tooLarge.sizeBytes));
    expect(tooLarge.requestId).toBe("mtl-answer");
    expect(stack.attempts.get("mtl-answer")).toBe(1);
    expect(counted.calls).toBe(1);
  });

  it("a stream chunk larger than the client's limit: MessageTooLargeError before the first chunk, not retried", async () => {
    const { counted, providers } = hugeAnswers(CLIENT_LIMIT + 1000);
    const stack = await startStack({ server: { offline: false, providers, dedupTtlMs: 0 }, client: { maxMessageBytes: CLIENT_LIMIT } });
    const { chunks, error } = await drain(invokeStream(stack.client, chatRequest("too large"), { requestId: "mtl-stream" }));
    expect(chunks).toHaveLength(0);
    expect(error).toBeInstanceOf(MessageTooLargeError);
    expect(stack.attempts.get("mtl-stream")).toBe(1);
    expect(counted.calls).toBe(1);
  });

  it("a request larger than the server's limit: MessageTooLargeError with the server's limit, not retried", async () => {
    const limit = 64 * 1024;
    const stack = await startStack({ server: { maxReceiveMessageBytes: limit } });
    const prompt = "y".repeat(limit + 1);
    for (const [requestId, call] of [
      ["mtl-request", () => invoke(stack.client, chatRequest(prompt), { requestId: "mtl-request" })],
      [
        "mtl-batch",
        () => {
          const { userContext: _, ...item } = chatRequest(prompt);
          return invokeBatch(stack.client, { userContext, items: [item] }, { requestId: "mtl-batch" });
        },
      ],
    ] as const) {
      const error = await call().catch((e: unknown) => e);
      expect(error, requestId).toBeInstanceOf(MessageTooLargeError);
      expect((error as MessageTooLargeError).limitBytes, requestId).toBe(limit);
      expect(stack.attempts.get(requestId), requestId).toBe(1);
    }
  });
});
