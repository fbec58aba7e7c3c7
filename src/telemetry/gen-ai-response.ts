// What the GenAI conventions say about an answer, read from the provider's
// own shapes (OpenAI Chat and Responses, Anthropic, Google) until usage is
// normalised upstream.

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

/** Token counts of one answer, in the conventions' terms. */
export interface TokenCounts {
  /** Input tokens, cached ones included. */
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
}

/** Reads a provider's usage object; undefined when it carries no token count. */
export function tokenCounts(usage: unknown): TokenCounts | undefined {
  if (!isRecord(usage)) return undefined;
  const counts: TokenCounts = {};
  // Anthropic counts cache reads and writes apart from `input_tokens`; the conventions count them in.
  const anthropicCacheRead = num(usage["cache_read_input_tokens"]);
  const anthropicCacheWrite = num(usage["cache_creation_input_tokens"]);
  const input = num(usage["prompt_tokens"]) ?? num(usage["input_tokens"]) ?? num(usage["promptTokenCount"]);
  if (input !== undefined) counts.input = input + (anthropicCacheRead ?? 0) + (anthropicCacheWrite ?? 0);
  const output = num(usage["completion_tokens"]) ?? num(usage["output_tokens"]) ?? num(usage["candidatesTokenCount"]);
  if (output !== undefined) counts.output = output;
  const inputDetails = usage["prompt_tokens_details"] ?? usage["input_tokens_details"];
  const cacheRead = anthropicCacheRead ?? (isRecord(inputDetails) ? num(inputDetails["cached_tokens"]) : undefined) ?? num(usage["cachedContentTokenCount"]);
  if (cacheRead !== undefined) counts.cacheRead = cacheRead;
  if (anthropicCacheWrite !== undefined) counts.cacheWrite = anthropicCacheWrite;
  const outputDetails = usage["completion_tokens_details"] ?? usage["output_tokens_details"];
  const reasoning = (isRecord(outputDetails) ? num(outputDetails["reasoning_tokens"]) : undefined) ?? num(usage["thoughtsTokenCount"]);
  if (reasoning !== undefined) counts.reasoning = reasoning;
  return counts.input === undefined && counts.output === undefined ? undefined : counts;
}

/**
 * The provider's response id and model, from a response or a stream event:
 * OpenAI and Anthropic `id` / `model` (Responses events and Anthropic's
 * `message_start` nest them in `response` / `message`), Google
 * `responseId` / `modelVersion`.
 */
export function responseIdentity(raw: unknown): { id?: string; model?: string } {
  if (!isRecord(raw)) return {};
  const source = isRecord(raw["response"]) ? raw["response"] : isRecord(raw["message"]) ? raw["message"] : raw;
  const id = source["id"] ?? source["responseId"];
  const model = source["model"] ?? source["modelVersion"];
  const identity: { id?: string; model?: string } = {};
  if (typeof id === "string" && id !== "") identity.id = id;
  if (typeof model === "string" && model !== "") identity.model = model;
  return identity;
}
