// What the GenAI conventions say about a request, from its routing words and
// its parameters — as the client's request spells them, or as the server's
// provider SDKs do (Google camelCase). One reading for client and server.
import type { Attributes } from "@opentelemetry/api";
import { ATTR } from "./semconv.js";

/**
 * `gen_ai.operation.name` of an invoke type: the chat-shaped APIs (Chat
 * Completions, Responses, Anthropic Messages) are `chat`; Google
 * generateContent and the image APIs are multimodal `generate_content`.
 */
export function operationName(provider: string, invokeType: string): string {
  switch (invokeType) {
    case "chat-completions":
    case "responses":
    case "messages":
      return "chat";
    case "generation":
      // `generation` is an alias of Responses (OpenAI) and Messages (Anthropic).
      return provider === "google" ? "generate_content" : "chat";
    default:
      return "generate_content";
  }
}

/**
 * `gen_ai.provider.name` as the client can know it: Google's `normal`
 * channel lets the server pick AI Studio or Vertex AI, hence `gcp.gen_ai`
 * (any Google endpoint) unless the channel or the API pins one.
 */
export function clientProviderName(provider: string, channel: string | undefined, invokeType: string): string {
  switch (provider) {
    case "azure":
      return "azure.ai.openai";
    case "google":
      if (channel === "vertexai" || invokeType === "image-generation") return "gcp.vertex_ai";
      if (channel === "ai-studio") return "gcp.gemini";
      return "gcp.gen_ai";
    default:
      return provider;
  }
}

/**
 * `gen_ai.provider.name` of a server backend: the convention's well-known
 * names, else the provider's own wire name.
 */
export const BACKEND_PROVIDER_NAMES = {
  openai: "openai",
  azure: "azure.ai.openai",
  "google-ai-studio": "gcp.gemini",
  "google-vertex": "gcp.vertex_ai",
  anthropic: "anthropic",
  "anthropic-openai": "anthropic",
  freepik: "freepik",
  byteplus: "byteplus",
  doubao: "doubao",
  "fal-ai": "fal-ai",
  bfl: "bfl",
  xfusionai: "xfusionai",
  tuzi: "tuzi",
  "kling-ai": "kling-ai",
} as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

// Request parameters by every spelling a request or an SDK call uses for
// them: one lookup per key of the request, whatever kind of parameter it is.
const STOP = Symbol("stop sequences");
// Google keeps its generation parameters in `config` (`generationConfig` on the REST API).
const CONFIG = Symbol("config");
const PARAMETERS = new Map<string, string | typeof STOP | typeof CONFIG>(Object.entries({
  max_tokens: ATTR.requestMaxTokens,
  maxTokens: ATTR.requestMaxTokens,
  max_completion_tokens: ATTR.requestMaxTokens,
  maxCompletionTokens: ATTR.requestMaxTokens,
  max_output_tokens: ATTR.requestMaxTokens,
  maxOutputTokens: ATTR.requestMaxTokens,
  temperature: ATTR.requestTemperature,
  top_p: ATTR.requestTopP,
  topP: ATTR.requestTopP,
  top_k: ATTR.requestTopK,
  topK: ATTR.requestTopK,
  frequency_penalty: ATTR.requestFrequencyPenalty,
  frequencyPenalty: ATTR.requestFrequencyPenalty,
  presence_penalty: ATTR.requestPresencePenalty,
  presencePenalty: ATTR.requestPresencePenalty,
  seed: ATTR.requestSeed,
  n: ATTR.requestChoiceCount,
  candidate_count: ATTR.requestChoiceCount,
  candidateCount: ATTR.requestChoiceCount,
  stop: STOP,
  stop_sequences: STOP,
  stopSequences: STOP,
  config: CONFIG,
  generationConfig: CONFIG,
}));

function addFrom(attributes: Attributes, params: Readonly<Record<string, unknown>>, nested: boolean): void {
  // One pass over the keys the request has: most carry a handful of parameters.
  for (const key in params) {
    const kind = PARAMETERS.get(key);
    if (kind === undefined) continue;
    const value = params[key];
    if (typeof kind === "string") {
      const number = num(value);
      // A choice count of 1 is the default: not worth an attribute.
      if (number !== undefined && !(kind in attributes) && !(kind === ATTR.requestChoiceCount && number === 1)) attributes[kind] = number;
    } else if (kind === STOP) {
      if (typeof value === "string") attributes[ATTR.requestStopSequences] = [value];
      else if (Array.isArray(value) && value.every((item) => typeof item === "string")) attributes[ATTR.requestStopSequences] = value;
    } else if (!nested && isRecord(value)) {
      addFrom(attributes, value, true);
    }
  }
}

/** Sets the conventions' request-parameter attributes present in `params` (top level, or Google's `config`) on `attributes`. */
export function addRequestParameters(attributes: Attributes, params: Readonly<Record<string, unknown>>): void {
  addFrom(attributes, params, false);
}
