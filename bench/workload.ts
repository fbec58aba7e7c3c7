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

/** Streams held open at once through one client in the open-streams scenario. */
export const OPEN_STREAMS = 5000;
/** Text chunks of each open stream; the server pauses OPEN_STREAM_CHUNK_DELAY_MS before each. */
export const OPEN_STREAM_CHUNKS = 3;
/**
 * Long enough that the last of OPEN_STREAMS streams gets its first chunk
 * while the first ones are still open, so the heap is measured with all open.
 */
export const OPEN_STREAM_CHUNK_DELAY_MS = 1000;
export const openStreamRequest = chatRequest(OPEN_STREAM_CHUNKS);

/** Items of the big batch (the server runs with `--max-batch-items` of at least this). */
export const BIG_BATCH_ITEMS = 5000;

/**
 * Unmeasured unary calls per contender, at c=16, before the unary rounds: the
 * server (one process for all contenders) and each client must have their hot
 * paths compiled first, or the first rounds measure V8's warm-up, not a call
 * (bench/findings.md, gateway item). The same for every contender and mode.
 */
export const UNARY_WARM_UP_CALLS = 3000;
