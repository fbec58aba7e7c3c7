// Token usage in one vocabulary, from the usage shapes of OpenAI Chat, OpenAI
// Responses (and OpenAI images), Google Gemini (camelCase as the REST API and
// @google/genai spell it, snake_case as google-genai's Python models dump it)
// and Anthropic Messages.

/**
 * Token counts, the same for every provider. Input counts include cached
 * input (Anthropic reports cache reads and writes apart from `input_tokens`;
 * they are added in) and output counts include reasoning (Gemini reports
 * thoughts apart from candidates; they are added in), so billing code needs
 * no per-provider rule. The provider's own counts stay in `usage`.
 */
export interface TokenUsage {
  /** Every input (prompt) token, cached ones included. */
  inputTokens: number;
  /** Every output token, reasoning included. */
  outputTokens: number;
  /** As the provider reports it, else input + output. */
  totalTokens: number;
  /** Input tokens read from the provider's prompt cache. */
  cachedInputTokens?: number;
  /** Anthropic: input tokens written to the prompt cache. */
  cacheWriteInputTokens?: number;
  /** Output tokens spent on reasoning (OpenAI reasoning tokens, Gemini thoughts). */
  reasoningTokens?: number;
}

type Json = Record<string, unknown>;

const count = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;

const nested = (value: unknown, key: string): number | undefined =>
  typeof value === "object" && value !== null ? count((value as Json)[key]) : undefined;

const sum = (...values: (number | undefined)[]) => values.reduce<number>((total, value) => total + (value ?? 0), 0);

function tokenUsage(
  input: number,
  output: number,
  total: number | undefined,
  optional: { cachedInputTokens?: number | undefined; cacheWriteInputTokens?: number | undefined; reasoningTokens?: number | undefined },
): TokenUsage {
  const usage: TokenUsage = { inputTokens: input, outputTokens: output, totalTokens: total ?? input + output };
  // Key by key rather than over Object.entries: every answer of a batch comes through here.
  if (optional.cachedInputTokens !== undefined) usage.cachedInputTokens = optional.cachedInputTokens;
  if (optional.cacheWriteInputTokens !== undefined) usage.cacheWriteInputTokens = optional.cacheWriteInputTokens;
  if (optional.reasoningTokens !== undefined) usage.reasoningTokens = optional.reasoningTokens;
  return usage;
}

function openAIChat(usage: Json): TokenUsage {
  const input = count(usage["prompt_tokens"]) ?? 0;
  const output = count(usage["completion_tokens"]) ?? 0;
  return tokenUsage(input, output, count(usage["total_tokens"]), {
    cachedInputTokens: nested(usage["prompt_tokens_details"], "cached_tokens"),
    reasoningTokens: nested(usage["completion_tokens_details"], "reasoning_tokens"),
  });
}

// OpenAI Responses, OpenAI images and Anthropic share `input_tokens` /
// `output_tokens`; only Anthropic reports cache traffic outside `input_tokens`.
function inputOutput(usage: Json): TokenUsage {
  const cacheRead = count(usage["cache_read_input_tokens"]);
  const cacheWrite = count(usage["cache_creation_input_tokens"]);
  const input = sum(count(usage["input_tokens"]), cacheRead, cacheWrite);
  const output = count(usage["output_tokens"]) ?? 0;
  return tokenUsage(input, output, count(usage["total_tokens"]), {
    cachedInputTokens: cacheRead ?? nested(usage["input_tokens_details"], "cached_tokens"),
    cacheWriteInputTokens: cacheWrite,
    reasoningTokens: nested(usage["output_tokens_details"], "reasoning_tokens"),
  });
}

function gemini(usage: Json, snake: boolean): TokenUsage {
  const read = (camel: string, snakeName: string) => count(usage[snake ? snakeName : camel]);
  const thoughts = read("thoughtsTokenCount", "thoughts_token_count");
  const input = sum(read("promptTokenCount", "prompt_token_count"), read("toolUsePromptTokenCount", "tool_use_prompt_token_count"));
  const output = sum(read("candidatesTokenCount", "candidates_token_count"), thoughts);
  return tokenUsage(input, output, read("totalTokenCount", "total_token_count"), {
    cachedInputTokens: read("cachedContentTokenCount", "cached_content_token_count"),
    reasoningTokens: thoughts,
  });
}

/**
 * {@link TokenUsage} of a provider usage object, whichever shape it has;
 * `undefined` when it holds no token count this module knows (Imagen's empty
 * usage, an unknown provider).
 */
export function normalizeUsage(usage: unknown): TokenUsage | undefined {
  if (typeof usage !== "object" || usage === null || Array.isArray(usage)) return undefined;
  const record = usage as Json;
  const has = (key: string) => count(record[key]) !== undefined;
  if (has("prompt_tokens") || has("completion_tokens")) return openAIChat(record);
  if (has("input_tokens") || has("output_tokens") || has("cache_read_input_tokens")) return inputOutput(record);
  if (has("promptTokenCount") || has("candidatesTokenCount") || has("totalTokenCount")) return gemini(record, false);
  if (has("prompt_token_count") || has("candidates_token_count") || has("total_token_count")) return gemini(record, true);
  return undefined;
}

/**
 * The usage object a raw provider response or stream event carries itself
 * (for servers that forward the raw answer but leave `usage` empty).
 */
export function usageInRaw(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null) return undefined;
  const record = raw as Json;
  if (record["usage"] != null) return record["usage"];
  if (record["usageMetadata"] != null) return record["usageMetadata"];
  if (record["usage_metadata"] != null) return record["usage_metadata"];
  // Responses stream events wrap the response; Anthropic's message_start wraps the message.
  for (const key of ["response", "message"]) {
    const inner = record[key];
    if (typeof inner === "object" && inner !== null && (inner as Json)["usage"] != null) return (inner as Json)["usage"];
  }
  return undefined;
}
