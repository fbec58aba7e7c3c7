// A client's OpenTelemetry: one CLIENT span per GenAI operation on the GenAI
// semantic conventions, retry and fallback attempts as events on it, the
// conventions' client metrics, and the W3C trace context (through the
// registered propagator) in the call's gRPC metadata, so that the server's
// spans continue the trace.
import type { Attributes, Counter, Histogram, Span, TextMapSetter } from "@opentelemetry/api";
import { ClientError, Metadata, Status } from "nice-grpc-common";
import type { ModelRequestItem } from "../../../gen/model_service/model_service.js";
import { addRequestParameters, clientProviderName, operationName } from "../../../telemetry/gen-ai-request.js";
import { responseIdentity } from "../../../telemetry/gen-ai-response.js";
import {
  globalProviderRegistered,
  instrumentationScope,
  type OtelApi,
  otelApi,
  type TelemetrySource,
  telemetrySource,
} from "../../../telemetry/otel-api.js";
import {
  ATTR,
  BUCKETS,
  cacheWriteAttribute,
  CLIENT_INFERENCE_TOKENS,
  CLIENT_TOKEN_USAGE,
  clientMetricNames,
  latestGenAiConventions,
} from "../../../telemetry/semconv.js";
import { serverOf } from "../../address.js";
import { TamarModelError } from "../../errors.js";
import type { ModelResponse } from "../../response/model-response.js";
import type { TokenUsage } from "../../response/normalize-usage.js";
import { type AttemptEvent, type CallTelemetry, type ClientTelemetry, type TelemetryCallOptions } from "./call-telemetry.js";
import type { TelemetryOptions } from "../../telemetry-options.js";
import { inputMessages, outputMessages, systemInstructions } from "./message-content.js";

interface Instruments {
  readonly duration: Histogram;
  readonly timeToFirstChunk: Histogram;
  readonly tokenUsage?: Histogram;
  readonly usageInput?: Counter;
  readonly usageOutput?: Counter;
  readonly operationInput?: Histogram;
  readonly operationOutput?: Histogram;
}

interface Settings {
  readonly otel: typeof OtelApi;
  readonly source: TelemetrySource<Instruments>;
  readonly latest: boolean;
  readonly recordContent: boolean;
  readonly endpoint: { address: string; port?: number };
  /** What each route's calls share, built on its first call (see {@link routeOf}). */
  readonly routes: Map<string, Route>;
  /** The route of the client's last call: most calls go where the one before went. */
  lastRoute: Route | undefined;
}

const metadataSetter: TextMapSetter<Metadata> = { set: (carrier, key, value) => carrier.set(key, value) };

/**
 * The telemetry of a client connected to `address`; undefined when telemetry
 * is disabled or `@opentelemetry/api` is not installed. Without providers of
 * its own, the client loads the API only once a provider is registered with
 * it, before or after the client was made.
 */
export function createClientTelemetry(address: string, options: TelemetryOptions = {}): ClientTelemetry | undefined {
  if (options.enabled === false) return undefined;
  if (options.tracerProvider !== undefined || options.meterProvider !== undefined) return loadedClientTelemetry(address, options);
  let loaded: ClientTelemetry | undefined;
  let load = true;
  const current = (): ClientTelemetry | undefined => {
    if (load) {
      load = false;
      loaded = loadedClientTelemetry(address, options);
    }
    return loaded;
  };
  return {
    invoke: (request, item, stream) => (globalProviderRegistered() ? current()?.invoke(request, item, stream) : undefined),
    batch: (request, items) => (globalProviderRegistered() ? current()?.batch(request, items) : undefined),
  };
}

/** The client's telemetry on the loaded API; undefined when it is not installed. */
function loadedClientTelemetry(address: string, options: TelemetryOptions): ClientTelemetry | undefined {
  const otel = otelApi();
  if (!otel) return undefined;
  const latest = latestGenAiConventions();
  const scope = instrumentationScope();
  const settings: Settings = {
    otel,
    latest,
    recordContent: options.recordContent ?? process.env["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"]?.toLowerCase() === "true",
    endpoint: endpointOf(address),
    source: telemetrySource(otel, {
      scope: scope.name,
      version: scope.version,
      tracerProvider: options.tracerProvider,
      meterProvider: options.meterProvider,
      createInstruments: (meter) => createInstruments(meter, latest),
    }),
    routes: new Map(),
    lastRoute: undefined,
  };
  return {
    invoke(request, item, stream) {
      const tracer = settings.source.tracer();
      const instruments = settings.source.instruments();
      if (!tracer && !instruments) return undefined;
      const operation = new Operation(settings, tracer, instruments, request as Record<string, unknown>, item, stream, undefined);
      return new InvokeTelemetry(settings, operation);
    },
    batch(request, items) {
      const tracer = settings.source.tracer();
      const instruments = settings.source.instruments();
      if (!tracer && !instruments) return undefined;
      return new BatchTelemetry(settings, tracer, instruments, request.items as unknown as readonly Record<string, unknown>[], items);
    },
  };
}

/** `server.address` / `server.port`: the host and port the address names, else the address itself (a `unix:` path …). */
function endpointOf(address: string): { address: string; port?: number } {
  const server = serverOf(address);
  return server ? { address: server.host, port: server.port } : { address: address.replace(/^unix:(\/\/)?/, "") };
}

/** `server.address` / `server.port` of an HTTP route's URL (checked when the route was configured). */
function httpEndpointOf(url: string): { address: string; port: number } {
  const { hostname, port, protocol } = new URL(url);
  return { address: hostname.replace(/^\[(.*)\]$/, "$1"), port: port === "" ? (protocol === "https:" ? 443 : 80) : Number(port) };
}

function createInstruments(meter: OtelApi.Meter, latest: boolean): Instruments {
  const names = clientMetricNames(latest);
  const seconds = (name: string, description: string) =>
    meter.createHistogram(name, { unit: "s", description, advice: { explicitBucketBoundaries: [...BUCKETS.duration] } });
  const tokens = (name: string, description: string) =>
    meter.createHistogram(name, { unit: "{token}", description, advice: { explicitBucketBoundaries: [...BUCKETS.tokens] } });
  const common = {
    duration: seconds(names.duration, "GenAI operation duration."),
    timeToFirstChunk: seconds(names.timeToFirstChunk, "Time to receive the first chunk of a streamed answer."),
  };
  if (!latest) return { ...common, tokenUsage: tokens(CLIENT_TOKEN_USAGE, "Number of input and output tokens used.") };
  return {
    ...common,
    usageInput: meter.createCounter(CLIENT_INFERENCE_TOKENS.usageInput, { unit: "{token}", description: "Input tokens used." }),
    usageOutput: meter.createCounter(CLIENT_INFERENCE_TOKENS.usageOutput, { unit: "{token}", description: "Output tokens used." }),
    operationInput: tokens(CLIENT_INFERENCE_TOKENS.operationInput, "Input tokens used per inference operation."),
    operationOutput: tokens(CLIENT_INFERENCE_TOKENS.operationOutput, "Output tokens used per inference operation."),
  };
}

/** Low-cardinality `error.type`: the error's class name (`UnavailableError`, `ProviderError` …). */
export function errorTypeOf(error: unknown): string {
  if (error instanceof ClientError) return Status[error.code] ?? "_OTHER";
  return error instanceof Error && error.name !== "Error" && error.name !== "" ? error.name : "_OTHER";
}

// Model names come from requests: the routes and outcomes a client keeps are
// bounded, and past the bound their objects are built per call instead.
const MAX_ROUTES = 256;
const MAX_OUTCOMES = 16;

/**
 * What every call of one route (provider, channel, API, requested model)
 * on a client shares, built on its first call. Never mutated once built: the
 * SDK keeps a metric attribute object it is given as that series' key.
 */
interface Route {
  readonly provider: string;
  readonly channel: string;
  readonly invokeType: string;
  readonly operation: string;
  readonly providerName: string;
  readonly model: string | undefined;
  readonly spanName: string;
  /**
   * Kind and the attributes a sampler may read, which the conventions want
   * known when the span starts; the rest are set only on a recording span.
   */
  readonly spanOptions: OtelApi.SpanOptions;
  /** By response model and error type. */
  readonly outcomes: Map<string, Outcome>;
}

/** The attribute sets of one outcome of a route, one per kind of metric record. */
interface Outcome {
  /** Duration, time to first chunk, latest per-operation token histograms. */
  readonly attributes: Attributes;
  /** v1.41 `gen_ai.client.token.usage`, by token type. */
  readonly input: Attributes;
  readonly output: Attributes;
  /** Latest usage counters, by modality. */
  readonly counted: Attributes;
}

function routeOf(settings: Settings, item: ModelRequestItem, model: string | undefined): Route {
  const last = settings.lastRoute;
  // Without building the map's key, which is a new string each call.
  if (last !== undefined && last.model === model && last.provider === item.provider && last.channel === item.channel && last.invokeType === item.invokeType) {
    return last;
  }
  const head = `${item.provider}\0${item.channel}\0${item.invokeType}`;
  const key = model === undefined ? head : `${head}\0${model}`;
  let route = settings.routes.get(key);
  if (route === undefined) {
    route = newRoute(settings, item, model);
    if (settings.routes.size < MAX_ROUTES) settings.routes.set(key, route);
  }
  settings.lastRoute = route;
  return route;
}

function newRoute(settings: Settings, item: ModelRequestItem, model: string | undefined): Route {
  const operation = operationName(item.provider, item.invokeType);
  const providerName = clientProviderName(item.provider, item.channel, item.invokeType);
  const { endpoint } = settings;
  const attributes: Attributes = {
    [ATTR.operationName]: operation,
    [ATTR.providerName]: providerName,
    [ATTR.serverAddress]: endpoint.address,
  };
  if (model !== undefined) attributes[ATTR.requestModel] = model;
  if (endpoint.port !== undefined) attributes[ATTR.serverPort] = endpoint.port;
  return {
    provider: item.provider,
    channel: item.channel,
    invokeType: item.invokeType,
    operation,
    providerName,
    model,
    spanName: model === undefined ? operation : `${operation} ${model}`,
    spanOptions: { kind: settings.otel.SpanKind.CLIENT, attributes },
    outcomes: new Map(),
  };
}

function outcomeOf(settings: Settings, route: Route, responseModel: string | undefined, errorType: string | undefined): Outcome {
  const key = errorType === undefined ? (responseModel ?? "") : `${responseModel ?? ""}\0${errorType}`;
  let outcome = route.outcomes.get(key);
  if (outcome === undefined) {
    const attributes = (token?: string, value?: string) => metricAttributes(settings, route, responseModel, errorType, token, value);
    outcome = {
      attributes: attributes(),
      input: attributes(ATTR.tokenType, "input"),
      output: attributes(ATTR.tokenType, "output"),
      // The provider gives no modality breakdown.
      counted: attributes(ATTR.tokenModality, "unknown"),
    };
    if (route.outcomes.size < MAX_OUTCOMES) route.outcomes.set(key, outcome);
  }
  return outcome;
}

/** A metric record's attributes, with its keys in sorted order: the SDK sorts them to hash each record, and sorted keys sort fastest. */
function metricAttributes(
  settings: Settings,
  route: Route,
  responseModel: string | undefined,
  errorType: string | undefined,
  token: string | undefined,
  value: string | undefined,
): Attributes {
  const attributes: Attributes = {};
  if (errorType !== undefined) attributes[ATTR.errorType] = errorType;
  attributes[ATTR.operationName] = route.operation;
  attributes[ATTR.providerName] = route.providerName;
  if (route.model !== undefined) attributes[ATTR.requestModel] = route.model;
  if (responseModel !== undefined) attributes[ATTR.responseModel] = responseModel;
  if (token !== undefined) attributes[token] = value;
  const { endpoint } = settings;
  attributes[ATTR.serverAddress] = endpoint.address;
  if (endpoint.port !== undefined) attributes[ATTR.serverPort] = endpoint.port;
  return attributes;
}

/** One GenAI operation: a span (when tracing) and its metrics (when metering). */
class Operation {
  readonly span: Span | undefined;
  private readonly started: number;
  private readonly route: Route;
  private readonly recordContent: boolean;
  private firstChunkAt: number | undefined;
  private id: string | undefined;
  private model: string | undefined;
  private usage: TokenUsage | undefined;
  private finishReason: string | undefined;
  private text = "";
  private ended = false;
  private readonly settings: Settings;
  private readonly instruments: Instruments | undefined;
  private readonly stream: boolean;

  constructor(
    settings: Settings,
    tracer: OtelApi.Tracer | undefined,
    instruments: Instruments | undefined,
    request: Record<string, unknown>,
    item: ModelRequestItem,
    stream: boolean,
    parent: OtelApi.Context | undefined,
  ) {
    this.settings = settings;
    this.instruments = instruments;
    this.stream = stream;
    const route = routeOf(settings, item, typeof request["model"] === "string" ? request["model"] : undefined);
    this.route = route;
    const span = tracer?.startSpan(route.spanName, route.spanOptions, parent);
    this.span = span;
    // After the span's own start: the time to first chunk it carries is never
    // longer than the span.
    this.started = performance.now();
    // A span the sampler dropped records nothing: nothing is read for it.
    const recording = span !== undefined && span.isRecording();
    this.recordContent = settings.recordContent && recording;
    if (!recording) return;
    span.setAttribute(ATTR.requestStream, stream);
    span.setAttribute(ATTR.invokeType, item.invokeType);
    span.setAttribute(ATTR.channel, item.channel);
    if (item.customId !== undefined) span.setAttribute(ATTR.customId, item.customId);
    const parameters: Attributes = {};
    addRequestParameters(parameters, request);
    span.setAttributes(parameters);
    if (this.recordContent) {
      const input = inputMessages(request);
      if (input !== undefined) span.setAttribute(ATTR.inputMessages, input);
      const system = systemInstructions(request);
      if (system !== undefined) span.setAttribute(ATTR.systemInstructions, system);
    }
  }

  observe(response: ModelResponse): void {
    if (this.firstChunkAt === undefined) this.firstChunkAt = performance.now();
    if (this.id === undefined || this.model === undefined) {
      const identity = responseIdentity(response.rawResponse);
      this.id ??= identity.id;
      this.model ??= identity.model;
    }
    if (response.tokenUsage !== undefined) this.usage = response.tokenUsage;
    if (response.finishReason !== undefined) this.finishReason = response.finishReason;
    if (this.recordContent && response.content !== undefined) this.text += response.content;
  }

  end(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    const seconds = (performance.now() - this.started) / 1000;
    const errorType = error === undefined ? undefined : errorTypeOf(error);
    const ttfc = this.stream && this.firstChunkAt !== undefined ? (this.firstChunkAt - this.started) / 1000 : undefined;
    const instruments = this.instruments;
    if (instruments) this.record(instruments, seconds, ttfc, outcomeOf(this.settings, this.route, this.model, errorType));
    const span = this.span;
    if (!span) return;
    if (span.isRecording()) this.finishSpan(span, ttfc, error, errorType);
    span.end();
  }

  private finishSpan(span: Span, ttfc: number | undefined, error: unknown, errorType: string | undefined): void {
    if (this.model !== undefined) span.setAttribute(ATTR.responseModel, this.model);
    if (this.id !== undefined) span.setAttribute(ATTR.responseId, this.id);
    if (this.finishReason !== undefined) span.setAttribute(ATTR.responseFinishReasons, [this.finishReason]);
    if (ttfc !== undefined) span.setAttribute(ATTR.responseTimeToFirstChunk, ttfc);
    const usage = this.usage;
    if (usage) {
      span.setAttribute(ATTR.usageInputTokens, usage.inputTokens);
      span.setAttribute(ATTR.usageOutputTokens, usage.outputTokens);
      if (usage.cachedInputTokens !== undefined) span.setAttribute(ATTR.usageCacheReadInputTokens, usage.cachedInputTokens);
      if (usage.cacheWriteInputTokens !== undefined) span.setAttribute(cacheWriteAttribute(this.settings.latest), usage.cacheWriteInputTokens);
      if (usage.reasoningTokens !== undefined) span.setAttribute(ATTR.usageReasoningOutputTokens, usage.reasoningTokens);
    }
    if (errorType === undefined) {
      if (this.recordContent) span.setAttribute(ATTR.outputMessages, outputMessages(this.text, this.finishReason));
      return;
    }
    span.setAttribute(ATTR.errorType, errorType);
    span.setStatus({ code: this.settings.otel.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    if (error instanceof Error) span.recordException(error);
  }

  private record(instruments: Instruments, seconds: number, ttfc: number | undefined, outcome: Outcome): void {
    instruments.duration.record(seconds, outcome.attributes);
    if (ttfc !== undefined) instruments.timeToFirstChunk.record(ttfc, outcome.attributes);
    const usage = this.usage;
    if (instruments.tokenUsage) {
      // v1.41: only counts the provider reported.
      if (usage) {
        instruments.tokenUsage.record(usage.inputTokens, outcome.input);
        instruments.tokenUsage.record(usage.outputTokens, outcome.output);
      }
      return;
    }
    // Latest: every operation counts, 0 when no usage came back.
    instruments.usageInput?.add(usage?.inputTokens ?? 0, outcome.counted);
    instruments.usageOutput?.add(usage?.outputTokens ?? 0, outcome.counted);
    instruments.operationInput?.record(usage?.inputTokens ?? 0, outcome.attributes);
    instruments.operationOutput?.record(usage?.outputTokens ?? 0, outcome.attributes);
  }
}

function attemptAttributes(event: AttemptEvent, attempt: number): Attributes {
  const attributes: Attributes = { [ATTR.attempt]: attempt, [ATTR.errorType]: errorTypeOf(event.error) };
  const code = event.error instanceof ClientError || event.error instanceof TamarModelError ? event.error.code : undefined;
  if (code !== undefined) attributes[ATTR.rpcGrpcStatusCode] = code;
  if (event.error instanceof Error) attributes["exception.message"] = event.error.message;
  if (event.kind === "retry") {
    attributes[ATTR.retryDelayMs] = event.delayMs;
    return attributes;
  }
  // The route the next attempt goes to, on the span's own names; the one that failed beside it.
  const { from, to } = event;
  attributes[ATTR.routeIndex] = to.index;
  attributes[ATTR.providerName] = clientProviderName(to.provider, to.channel, to.invokeType);
  if (to.model !== undefined) attributes[ATTR.requestModel] = to.model;
  const endpoint = to.transport === "http" ? httpEndpointOf(to.address) : endpointOf(to.address);
  attributes[ATTR.serverAddress] = endpoint.address;
  if (endpoint.port !== undefined) attributes[ATTR.serverPort] = endpoint.port;
  attributes[ATTR.fallbackFailedProvider] = clientProviderName(from.provider, from.channel, from.invokeType);
  if (from.model !== undefined) attributes[ATTR.fallbackFailedModel] = from.model;
  return attributes;
}

/** What both kinds of call do with the RPC's span: context into metadata, attempts as events. */
abstract class RpcTelemetry implements CallTelemetry {
  private attempts = 1;
  protected readonly settings: Settings;
  private readonly rpcSpan: Span | undefined;

  constructor(settings: Settings, rpcSpan: Span | undefined) {
    this.settings = settings;
    this.rpcSpan = rpcSpan;
  }

  attach(options: TelemetryCallOptions, requestId: string, fused: boolean): void {
    options.callTelemetry = this;
    if (!fused) {
      const previous = options.onRetryableError;
      options.onRetryableError = (error, attempt, delayMs) => {
        previous?.(error, attempt, delayMs);
        this.attempt({ kind: "retry", error, delayMs });
      };
    }
    const span = this.rpcSpan;
    if (!span) return;
    span.setAttribute(ATTR.requestId, requestId);
    const { otel } = this.settings;
    const context = otel.trace.setSpan(otel.context.active(), span);
    if (fused) {
      // A plain object, written by the API's default setter.
      const headers: Record<string, string> = {};
      otel.propagation.inject(context, headers);
      options.traceHeaders = headers;
      return;
    }
    const metadata = options.metadata ?? Metadata();
    otel.propagation.inject(context, metadata, metadataSetter);
    options.metadata = metadata;
  }

  attempt(event: AttemptEvent): void {
    // Numbered over the whole call: a fallback route's retries go on from its routes before.
    const failed = this.attempts++;
    this.rpcSpan?.addEvent(event.kind === "retry" ? "tamar.retry" : "tamar.fallback", attemptAttributes(event, failed));
  }

  protected finishRpc(): void {
    this.rpcSpan?.setAttribute(ATTR.attempts, this.attempts);
  }

  abstract chunk(response: ModelResponse): void;
  abstract end(answer?: ModelResponse | readonly ModelResponse[]): void;
  abstract fail(error: unknown): void;
}

/** `invoke` / `invokeStream`: the operation's span is the RPC's. */
class InvokeTelemetry extends RpcTelemetry {
  private readonly operation: Operation;

  constructor(settings: Settings, operation: Operation) {
    super(settings, operation.span);
    this.operation = operation;
  }

  chunk(response: ModelResponse): void {
    this.operation.observe(response);
  }

  end(answer?: ModelResponse | readonly ModelResponse[]): void {
    if (answer !== undefined && !Array.isArray(answer)) this.operation.observe(answer as ModelResponse);
    this.finishRpc();
    this.operation.end(undefined);
  }

  fail(error: unknown): void {
    const response = (error as { response?: ModelResponse } | null)?.response;
    if (response !== undefined) this.operation.observe(response);
    this.finishRpc();
    this.operation.end(error);
  }
}

/** `invokeBatch`: a span for the RPC, one child operation per item. */
class BatchTelemetry extends RpcTelemetry {
  private readonly span: Span | undefined;
  private readonly operations: Operation[];

  constructor(
    settings: Settings,
    tracer: OtelApi.Tracer | undefined,
    instruments: Instruments | undefined,
    requests: readonly Record<string, unknown>[],
    items: readonly ModelRequestItem[],
  ) {
    const { otel, endpoint } = settings;
    const attributes: Attributes = { [ATTR.batchSize]: items.length, [ATTR.serverAddress]: endpoint.address };
    if (endpoint.port !== undefined) attributes[ATTR.serverPort] = endpoint.port;
    const span = tracer?.startSpan("invoke_batch", { kind: otel.SpanKind.CLIENT, attributes });
    super(settings, span);
    this.span = span;
    const parent = span ? otel.trace.setSpan(otel.context.active(), span) : undefined;
    this.operations = items.map((item, index) => new Operation(settings, tracer, instruments, requests[index]!, item, false, parent));
  }

  chunk(): void {}

  end(answer?: ModelResponse | readonly ModelResponse[]): void {
    const answers = Array.isArray(answer) ? (answer as readonly ModelResponse[]) : [];
    this.operations.forEach((operation, index) => {
      const response = answers[index];
      if (response === undefined) return operation.end(new Error("no answer for this item"));
      operation.observe(response);
      operation.end(response.error === undefined ? undefined : new BatchItemError(response.error));
    });
    this.finishRpc();
    this.span?.end();
  }

  fail(error: unknown): void {
    for (const operation of this.operations) operation.end(error);
    this.finishRpc();
    const span = this.span;
    if (!span) return;
    span.setAttribute(ATTR.errorType, errorTypeOf(error));
    span.setStatus({ code: this.settings.otel.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    if (error instanceof Error) span.recordException(error);
    span.end();
  }
}

/** A batch item the provider failed: its in-band error, for the item's span. */
class BatchItemError extends Error {
  override name = "ProviderError";
}
