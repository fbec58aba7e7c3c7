/** OpenAI Chat Completions bodies as the real API sends them, for fake providers. */

/** A whole chat completion answering "Hi there". */
export const chatCompletion = {
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: "Hi there", refusal: null }, logprobs: null, finish_reason: "stop" }],
  usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
};

/** One streamed chunk: a delta, a finish reason, or (with `usage` and no finish reason) the final usage chunk. */
export const chatChunk = (delta: object, finishReason: string | null = null, usage: object | null = null) => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 1_700_000_000,
  model: "gpt-4o-mini",
  choices: usage && !finishReason ? [] : [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  usage,
});
