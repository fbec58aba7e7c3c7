// Names, units and bucket boundaries of the OpenTelemetry GenAI semantic
// conventions. By default the v1.41.0 names (the last release inside
// open-telemetry/semantic-conventions); with
// `OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental` the names of
// open-telemetry/semantic-conventions-genai, as its migration guide maps them:
// inference metrics under `gen_ai.client.inference.*`, token usage as
// counters plus per-operation histograms, `cache_creation` → `cache_write`.

/** `OTEL_SEMCONV_STABILITY_OPT_IN` value that selects the latest GenAI names. */
export const LATEST_GEN_AI_OPT_IN = "gen_ai_latest_experimental";

/** Whether the environment opts in to the latest experimental GenAI conventions. */
export function latestGenAiConventions(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return (env["OTEL_SEMCONV_STABILITY_OPT_IN"] ?? "")
    .split(",")
    .some((value) => value.trim() === LATEST_GEN_AI_OPT_IN);
}

/** ExplicitBucketBoundaries of the conventions' histograms. */
export const BUCKETS = {
  /** `gen_ai.client.operation.duration`, `…time_to_first_chunk`, `gen_ai.server.request.duration` (s). */
  duration: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
  /** `gen_ai.client.token.usage` and the per-operation token histograms ({token}). */
  tokens: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864],
  /** `gen_ai.server.time_to_first_token` (s). */
  timeToFirstToken: [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0],
  /** `gen_ai.server.time_per_output_token` (s). */
  timePerOutputToken: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5],
} as const;

/** Attribute keys used on spans and metrics. */
export const ATTR = {
  operationName: "gen_ai.operation.name",
  providerName: "gen_ai.provider.name",
  requestModel: "gen_ai.request.model",
  requestStream: "gen_ai.request.stream",
  requestMaxTokens: "gen_ai.request.max_tokens",
  requestTemperature: "gen_ai.request.temperature",
  requestTopP: "gen_ai.request.top_p",
  requestTopK: "gen_ai.request.top_k",
  requestStopSequences: "gen_ai.request.stop_sequences",
  requestFrequencyPenalty: "gen_ai.request.frequency_penalty",
  requestPresencePenalty: "gen_ai.request.presence_penalty",
  requestSeed: "gen_ai.request.seed",
  requestChoiceCount: "gen_ai.request.choice.count",
  responseId: "gen_ai.response.id",
  responseModel: "gen_ai.response.model",
  responseFinishReasons: "gen_ai.response.finish_reasons",
  responseTimeToFirstChunk: "gen_ai.response.time_to_first_chunk",
  usageInputTokens: "gen_ai.usage.input_tokens",
  usageOutputTokens: "gen_ai.usage.output_tokens",
  usageCacheReadInputTokens: "gen_ai.usage.cache_read.input_tokens",
  usageReasoningOutputTokens: "gen_ai.usage.reasoning.output_tokens",
  tokenType: "gen_ai.token.type",
  tokenModality: "gen_ai.token.modality",
  inputMessages: "gen_ai.input.messages",
  outputMessages: "gen_ai.output.messages",
  systemInstructions: "gen_ai.system_instructions",
  errorType: "error.type",
  serverAddress: "server.address",
  serverPort: "server.port",
  rpcSystem: "rpc.system",
  rpcService: "rpc.service",
  rpcMethod: "rpc.method",
  rpcGrpcStatusCode: "rpc.grpc.status_code",
  // This project's own: the Model Manager request id, routing, attempts.
  requestId: "tamar.request.id",
  invokeType: "tamar.invoke_type",
  channel: "tamar.channel",
  attempts: "tamar.attempts",
  attempt: "tamar.attempt",
  retryDelayMs: "tamar.retry.delay_ms",
  routeIndex: "tamar.route.index",
  fallbackFailedProvider: "tamar.fallback.failed.provider",
  fallbackFailedModel: "tamar.fallback.failed.model",
  batchSize: "tamar.batch.size",
  customId: "tamar.batch.custom_id",
} as const;

/** The cache-write attribute: renamed from `cache_creation` in the latest conventions. */
export function cacheWriteAttribute(latest: boolean): string {
  return latest ? "gen_ai.usage.cache_write.input_tokens" : "gen_ai.usage.cache_creation.input_tokens";
}

/** Client metric names of one convention version. */
export interface ClientMetricNames {
  readonly duration: string;
  readonly timeToFirstChunk: string;
}

export function clientMetricNames(latest: boolean): ClientMetricNames {
  return latest
    ? { duration: "gen_ai.client.inference.duration", timeToFirstChunk: "gen_ai.client.inference.time_to_first_chunk" }
    : { duration: "gen_ai.client.operation.duration", timeToFirstChunk: "gen_ai.client.operation.time_to_first_chunk" };
}

/** v1.41.0: one histogram of both token types. */
export const CLIENT_TOKEN_USAGE = "gen_ai.client.token.usage";

/** Latest: usage counters and per-operation histograms, by token direction. */
export const CLIENT_INFERENCE_TOKENS = {
  usageInput: "gen_ai.client.inference.usage.input_tokens",
  usageOutput: "gen_ai.client.inference.usage.output_tokens",
  operationInput: "gen_ai.client.inference.operation.input_tokens",
  operationOutput: "gen_ai.client.inference.operation.output_tokens",
} as const;

/** Server metrics (unchanged between the two versions). */
export const SERVER_METRICS = {
  requestDuration: "gen_ai.server.request.duration",
  timeToFirstToken: "gen_ai.server.time_to_first_token",
  timePerOutputToken: "gen_ai.server.time_per_output_token",
  /** This project's own: gRPC requests by method and status. */
  requests: "tamar.server.requests",
} as const;
