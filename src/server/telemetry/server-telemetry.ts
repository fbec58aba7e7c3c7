/**
 * The server's OpenTelemetry: a SERVER span per gRPC call that continues the
 * caller's trace (W3C trace context from the metadata, through the registered
 * propagator), a CLIENT span per provider request around the provider
 * module (the official SDK call), the GenAI server metrics of the semantic
 * conventions, and a count of gRPC requests by method and status. No label
 * names a tenant (org, user) or a request.
 */
import type { Attributes, Context, Counter, Histogram, Span, TextMapGetter } from "@opentelemetry/api";
import { type CallContext, type Metadata, type ServerMiddleware, Status } from "nice-grpc";
import { BACKEND_PROVIDER_NAMES, addRequestParameters } from "../../telemetry/gen-ai-request.js";
// The client's normalised usage: one reading of every provider's usage shape.
import { normalizeUsage, type TokenUsage } from "../../client/response/normalize-usage.js";
import { responseIdentity } from "../../telemetry/gen-ai-response.js";
import { instrumentationScope, type OtelApi, otelApi, type TelemetrySource, telemetrySource } from "../../telemetry/otel-api.js";
import { ATTR, BUCKETS, SERVER_METRICS } from "../../telemetry/semconv.js";
import { isAbortError } from "../../internal/abort-error.js";
import { statusErrorOf } from "../grpc/status-errors.js";
import type { CallScope } from "../grpc/call-scope.js";
import type { ModelApi, ModelProvider, ProviderCall, ProviderChunk } from "../providers/provider.js";
import type { ServerTelemetryOptions } from "./server-telemetry-options.js";

export type { ServerTelemetryOptions };

/** Removes configured secrets from text: error messages recorded on spans pass through it. */
export type Redact = (text: string) => string;

/** What the telemetry middleware adds to every call context. */
export interface TraceScope {
  /** The context of the call's SERVER span: the parent of its provider spans. */
  readonly traceContext?: Context | undefined;
}

export interface ServerTelemetry {
  /** The SERVER span and request count of each call. */
  readonly middleware: ServerMiddleware<TraceScope, CallScope>;
  /** `provider` with a CLIENT span and the GenAI server metrics around each request. */
  traced(provider: ModelProvider, parent: Context | undefined): ModelProvider;
}

interface Instruments {
  readonly requestDuration: Histogram;
  readonly timeToFirstToken: Histogram;
  readonly timePerOutputToken: Histogram;
  readonly requests: Counter;
}

const OPERATION_OF_API: Record<ModelApi, string> = {
  "openai.chat-completions": "chat",
  "openai.responses": "chat",
  "anthropic.messages": "chat",
  "google.generate-content": "generate_content",
  "google.generate-images": "generate_content",
  "openai.images.generate": "generate_content",
  "openai.images.edit": "generate_content",
  "openai.videos": "generate_content",
  "google.generate-videos": "generate_content",
  "freepik.image-upscaler": "generate_content",
  "bfl.flux": "generate_content",
  "fal.z-image": "generate_content",
  "fal.sam-3-image": "generate_content",
  "fal.qwen-image-edit": "generate_content",
  "fal.qwen-image-edit-multi-angle": "generate_content",
  "fal.qwen-image-layered": "generate_content",
  "byteplus.video-generation": "generate_content",
  "fal.wan-video-replace": "generate_content",
  "fal.kling-video": "generate_content",
  "fal.sam-3-video": "generate_content",
};

// gRPC server statuses that are the server's failure (the RPC conventions' list); the rest are the caller's.
const SERVER_FAULTS = new Set([Status.UNKNOWN, Status.DEADLINE_EXCEEDED, Status.UNIMPLEMENTED, Status.INTERNAL, Status.UNAVAILABLE, Status.DATA_LOSS]);

const metadataGetter: TextMapGetter<Metadata> = {
  get: (carrier, key) => {
    const value = carrier.get(key);
    return typeof value === "string" ? value : undefined;
  },
  keys: (carrier) => Array.from(carrier, ([key]) => key),
};

const passThrough: ServerMiddleware<TraceScope, CallScope> = async function* (call, context) {
  return yield* call.next(call.request, context);
};

/** The server's telemetry; a pass-through when `@opentelemetry/api` is absent or telemetry is disabled. */
export function createServerTelemetry(options: ServerTelemetryOptions, redact: Redact): ServerTelemetry {
  const otel = options.enabled === false ? undefined : otelApi();
  if (!otel) return { middleware: passThrough, traced: (provider) => provider };
  const scope = instrumentationScope();
  const source = telemetrySource(otel, {
    scope: `${scope.name}/server`,
    version: scope.version,
    tracerProvider: options.tracerProvider,
    meterProvider: options.meterProvider,
    createInstruments: createInstruments,
  });
  return {
    middleware: serverSpanMiddleware(otel, source, redact),
    // Checked per call, so that an SDK registered later is picked up; nothing is wrapped while none is.
    traced: (provider, parent) =>
      !source.tracer() && !source.instruments() ? provider : { invoke: (call) => tracedInvoke(otel, source, redact, provider, call, parent) },
  };
}

function createInstruments(meter: OtelApi.Meter): Instruments {
  const histogram = (name: string, description: string, buckets: readonly number[]) =>
    meter.createHistogram(name, { unit: "s", description, advice: { explicitBucketBoundaries: [...buckets] } });
  return {
    requestDuration: histogram(SERVER_METRICS.requestDuration, "GenAI server request duration, to the last output token.", BUCKETS.duration),
    timeToFirstToken: histogram(SERVER_METRICS.timeToFirstToken, "Time to the first token of successful streamed responses.", BUCKETS.timeToFirstToken),
    timePerOutputToken: histogram(
      SERVER_METRICS.timePerOutputToken,
      "Time per output token after the first, of successful streamed responses.",
      BUCKETS.timePerOutputToken,
    ),
    requests: meter.createCounter(SERVER_METRICS.requests, { unit: "{request}", description: "gRPC requests by method and status." }),
  };
}

/** The status the call ends with, as callScope will answer it. */
function statusOf(error: unknown, context: CallContext): Status {
  const statusError = statusErrorOf(error);
  if (statusError) return statusError.code;
  if (isAbortError(error) || context.signal.aborted) return Status.CANCELLED;
  return Status.INTERNAL;
}

/** Marks `span` failed with `error`, its message redacted (no stack: it repeats the message). */
function recordFailure(otel: typeof OtelApi, span: Span, error: unknown, redact: Redact): void {
  const message = redact(error instanceof Error ? error.message : String(error));
  span.recordException({ name: error instanceof Error ? error.name : "Error", message });
  span.setStatus({ code: otel.SpanStatusCode.ERROR, message });
}

function serverSpanMiddleware(otel: typeof OtelApi, source: TelemetrySource<Instruments>, redact: Redact): ServerMiddleware<TraceScope, CallScope> {
  return async function* serverTelemetryMiddleware(call, context) {
    const tracer = source.tracer();
    const instruments = source.instruments();
    if (!tracer && !instruments) return yield* call.next(call.request, context);
    const path = call.method.path;
    const slash = path.lastIndexOf("/");
    const rpc: Attributes = { [ATTR.rpcSystem]: "grpc", [ATTR.rpcService]: path.slice(1, slash), [ATTR.rpcMethod]: path.slice(slash + 1) };
    let span: Span | undefined;
    let traceContext: Context | undefined;
    if (tracer) {
      const parent = otel.propagation.extract(otel.ROOT_CONTEXT, context.metadata, metadataGetter);
      span = tracer.startSpan(path.slice(1), { kind: otel.SpanKind.SERVER, attributes: { ...rpc, [ATTR.requestId]: context.requestId } }, parent);
      traceContext = otel.trace.setSpan(parent, span);
    }
    let code = Status.OK;
    try {
      return yield* call.next(call.request, { ...context, traceContext });
    } catch (error) {
      code = statusOf(error, context);
      if (span && SERVER_FAULTS.has(code)) recordFailure(otel, span, error, redact);
      throw error;
    } finally {
      // A cancelled stream can end without an error reaching here (see callScope).
      if (code === Status.OK && context.signal.aborted) code = Status.CANCELLED;
      if (span) {
        span.setAttribute(ATTR.rpcGrpcStatusCode, code);
        span.end();
      }
      instruments?.requests.add(1, { ...rpc, [ATTR.rpcGrpcStatusCode]: code });
    }
  };
}

/** `error.type` of a failed provider request: the provider's HTTP status, else the error's class. */
function providerErrorType(error: unknown): string {
  const statusError = statusErrorOf(error);
  if (statusError) return Status[statusError.code] ?? "_OTHER";
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === "number") return String(status);
  return error instanceof Error && error.name !== "Error" && error.name !== "" ? error.name : "_OTHER";
}

async function* tracedInvoke(
  otel: typeof OtelApi,
  source: TelemetrySource<Instruments>,
  redact: Redact,
  provider: ModelProvider,
  call: ProviderCall,
  parent: Context | undefined,
): AsyncGenerator<ProviderChunk> {
  const tracer = source.tracer();
  const instruments = source.instruments();
  if (!tracer && !instruments) return yield* provider.invoke(call);
  const operation = OPERATION_OF_API[call.api];
  const model = typeof call.params["model"] === "string" ? call.params["model"] : undefined;
  const metricAttributes: Attributes = { [ATTR.operationName]: operation, [ATTR.providerName]: BACKEND_PROVIDER_NAMES[call.backend] };
  if (model !== undefined) metricAttributes[ATTR.requestModel] = model;
  let span: Span | undefined;
  if (tracer) {
    const attributes: Attributes = { ...metricAttributes, [ATTR.requestStream]: call.stream, [ATTR.invokeType]: call.invokeType };
    addRequestParameters(attributes, call.params);
    const name = model === undefined ? operation : `${operation} ${model}`;
    span = tracer.startSpan(name, { kind: otel.SpanKind.CLIENT, attributes }, parent);
  }
  const started = performance.now();
  let firstAt: number | undefined;
  let identity: { id?: string; model?: string } = {};
  let usage: TokenUsage | undefined;
  let finishReason: string | undefined;
  let failure: unknown;
  let completed = false;
  try {
    for await (const chunk of provider.invoke(call)) {
      firstAt ??= performance.now();
      if (identity.id === undefined || identity.model === undefined) {
        const seen = responseIdentity(chunk.raw);
        identity = { ...seen, ...identity };
      }
      if (chunk.usage != null) usage = normalizeUsage(chunk.usage) ?? usage;
      if (chunk.finishReason) finishReason = chunk.finishReason;
      yield chunk;
    }
    completed = true;
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    const ended = performance.now();
    // Stopped before the end without an error: the caller went away.
    const errorType = failure !== undefined ? providerErrorType(failure) : completed ? undefined : "cancelled";
    const attributes: Attributes = { ...metricAttributes };
    if (identity.model !== undefined) attributes[ATTR.responseModel] = identity.model;
    if (errorType !== undefined) attributes[ATTR.errorType] = errorType;
    if (instruments) {
      instruments.requestDuration.record((ended - started) / 1000, attributes);
      if (completed && call.stream && firstAt !== undefined) {
        instruments.timeToFirstToken.record((firstAt - started) / 1000, attributes);
        const output = usage?.outputTokens;
        if (output !== undefined && output > 1) instruments.timePerOutputToken.record((ended - firstAt) / 1000 / (output - 1), attributes);
      }
    }
    if (span) {
      const result: Attributes = {};
      if (identity.id !== undefined) result[ATTR.responseId] = identity.id;
      if (identity.model !== undefined) result[ATTR.responseModel] = identity.model;
      if (finishReason !== undefined) result[ATTR.responseFinishReasons] = [finishReason];
      if (usage) {
        result[ATTR.usageInputTokens] = usage.inputTokens;
        result[ATTR.usageOutputTokens] = usage.outputTokens;
      }
      if (call.stream && firstAt !== undefined) result[ATTR.responseTimeToFirstChunk] = (firstAt - started) / 1000;
      if (errorType !== undefined) result[ATTR.errorType] = errorType;
      span.setAttributes(result);
      if (failure !== undefined) recordFailure(otel, span, failure, redact);
      span.end();
    }
  }
}
