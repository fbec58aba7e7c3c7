// What every contender sends: one chat-completions request (the common
// case), non-stream for the unary runs and 10,000 one-word chunks for the
// stream runs, with the same tenant and JWT secret.
import type { InvokeRequest } from "tamar-model-client";

export const JWT_SECRET = "bench-secret-bench-secret-bench-secret";
export const TENANT = { orgId: "bench-org", userId: "bench-user", clientType: "bench" } as const;
/** Chunks of text in a stream run; the offline provider then sends one more, with usage. */
export const STREAM_CHUNKS = 10_000;

function chatRequest(maxTokens: number): InvokeRequest {
  return {
    provider: "openai",
    invokeType: "chat-completions",
    model: "gpt-4o-mini",
    messages: [
      { role: "system", content: "You are a terse assistant." },
      { role: "user", content: "Summarise the benchmark in one sentence, please." },
    ],
    temperature: 0.2,
    max_tokens: maxTokens,
    userContext: TENANT,
  };
}

export const unaryRequest = chatRequest(16);
export const streamRequest = chatRequest(STREAM_CHUNKS);
