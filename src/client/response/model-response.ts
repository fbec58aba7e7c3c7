import type { ModelResponseItem } from "../../gen/model_service/model_service.js";
import type { FailedAttempt } from "../errors.js";
import { type FinishReason, normalizeOutput } from "./normalize-output.js";
import { normalizeUsage, type TokenUsage, usageInRaw } from "./normalize-usage.js";
import type { ToolCall } from "./tool-call.js";

/**
 * Token usage as the provider reports it: OpenAI Chat (`prompt_tokens`,
 * `completion_tokens`, `total_tokens`), OpenAI Responses and Anthropic
 * (`input_tokens`, `output_tokens`), Google (`promptTokenCount`,
 * `candidatesTokenCount`, `totalTokenCount`), plus whatever else it sends.
 */
export interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  [key: string]: unknown;
}

/**
 * Where a call went: the server address and the request's provider, model,
 * channel and invoke type. `index` 0 is the request as given, n its n-th
 * fallback. A circuit breaker watches each (address, provider, model).
 */
export interface ModelRoute {
  readonly index: number;
  /** The gRPC server's address, or the HTTP API's base URL. */
  readonly address: string;
  /** `grpc`: the client's server; `http`: a Model Manager's HTTP API (a fallback `{ http }`). */
  readonly transport: "grpc" | "http";
  readonly provider: string;
  readonly model: string | undefined;
  readonly channel: string | undefined;
  readonly invokeType: string;
}

/** One answer, or one chunk of a streamed answer. */
export interface ModelResponse {
  /** Text of the answer or chunk; undefined when there is none (never `""`). */
  content?: string;
  /** Token usage as the provider reports it (streams: the last chunk carries the stream's). */
  usage?: Usage;
  /**
   * Token usage in one vocabulary for every provider (streams: the usage so
   * far on chunks that report some, the whole stream's on the last chunk).
   * Absent when the provider reported no token counts.
   */
  tokenUsage?: TokenUsage;
  /** The provider's response (or chunk), parsed; the raw text if it was not valid JSON. */
  rawResponse?: unknown;
  /** In-band provider error text. `invoke` / `invokeStream` throw a ProviderError instead; batch items keep it here. */
  error?: string;
  /** The call's request id. */
  requestId?: string;
  /** Batch items: the item's custom id. */
  customId?: string;
  /** Why generation stopped, normalised across providers. */
  finishReason?: FinishReason;
  /**
   * Tool calls the model asked for, in the OpenAI Chat shape with parsed
   * arguments. Streams: assembled from the streamed pieces, on the last chunk.
   */
  toolCalls?: ToolCall[];
  /** `invoke` / `invokeStream`: the route that served this answer (the request, or one of its fallbacks). */
  route?: ModelRoute;
  /** `invoke` / `invokeStream`: how each earlier route failed before `route` answered; empty when the first did. */
  attempts?: readonly FailedAttempt[];
}

const UNPARSED = Symbol("unparsed");

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return UNPARSED;
  }
}

/** Maps a wire `ModelResponseItem` to a {@link ModelResponse}. */
export function toModelResponse(item: ModelResponseItem, requestId: string | undefined): ModelResponse {
  const response: ModelResponse = {};
  if (item.content) response.content = item.content;
  if (item.usage) {
    const usage = parseJson(item.usage);
    if (typeof usage === "object" && usage !== null && !Array.isArray(usage)) response.usage = usage as Usage;
  }
  if (item.rawResponse) {
    const raw = parseJson(item.rawResponse);
    response.rawResponse = raw === UNPARSED ? item.rawResponse : raw;
    Object.assign(response, normalizeOutput(raw));
  }
  const tokenUsage = normalizeUsage(response.usage ?? usageInRaw(response.rawResponse));
  if (tokenUsage) response.tokenUsage = tokenUsage;
  if (item.error) response.error = item.error;
  const id = item.requestId || requestId;
  if (id) response.requestId = id;
  if (item.customId) response.customId = item.customId;
  return response;
}
