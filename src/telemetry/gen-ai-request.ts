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

/** `gen_ai.provider.name` of a server backend. */
export const BACKEND_PROVIDER_NAMES = {
  openai: "openai",
  azure: "azure.ai.openai",
  "google-ai-studio": "gcp.gemini",
  "google-vertex": "gcp.vertex_ai",
  anthropic: "anthropic",
} as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

/** A parameter read at the top level, then in Google's `config`, in snake_case or camelCase. */
function param(params: Record<string, unknown>, config: Record<string, unknown> | undefined, snake: string, camel: string): unknown {
  return params[snake] ?? params[camel] ?? config?.[camel] ?? config?.[snake];
}

/** Sets the conventions' request-parameter attributes present in `params` on `attributes`. */
export function addRequestParameters(attributes: Attributes, params: Readonly<Record<string, unknown>>): void {
  const config = isRecord(params["config"]) ? params["config"] : isRecord(params["generationConfig"]) ? params["generationConfig"] : undefined;
  const maxTokens =
    num(param(params, config, "max_tokens", "maxTokens")) ??
    num(param(params, config, "max_completion_tokens", "maxCompletionTokens")) ??
    num(param(params, config, "max_output_tokens", "maxOutputTokens"));
  if (maxTokens !== undefined) attributes[ATTR.requestMaxTokens] = maxTokens;
  const numbers: Array<[string, string, string]> = [
    [ATTR.requestTemperature, "temperature", "temperature"],
    [ATTR.requestTopP, "top_p", "topP"],
    [ATTR.requestTopK, "top_k", "topK"],
    [ATTR.requestFrequencyPenalty, "frequency_penalty", "frequencyPenalty"],
    [ATTR.requestPresencePenalty, "presence_penalty", "presencePenalty"],
    [ATTR.requestSeed, "seed", "seed"],
  ];
  for (const [key, snake, camel] of numbers) {
    const value = num(param(params, config, snake, camel));
    if (value !== undefined) attributes[key] = value;
  }
  const choices = num(params["n"]) ?? num(config?.["candidateCount"]) ?? num(config?.["candidate_count"]);
  if (choices !== undefined && choices !== 1) attributes[ATTR.requestChoiceCount] = choices;
  const stop = params["stop"] ?? param(params, config, "stop_sequences", "stopSequences");
  if (typeof stop === "string") attributes[ATTR.requestStopSequences] = [stop];
  else if (Array.isArray(stop) && stop.every((item) => typeof item === "string")) attributes[ATTR.requestStopSequences] = stop;
}
