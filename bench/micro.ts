// Per-call CPU of the SDK's pieces, in process and without network, so that a
// slower `invoke` can be traced to the piece that got slower.
import { type Channel, type ClientMiddleware, type ClientMiddlewareCall, createClientFactory } from "nice-grpc";
import * as v from "valibot";
import type { WireModelResponseItem } from "tamar-model-client/middleware";
import { chainInternals, tamar } from "./client-under-test.js";
import { jwtSignatures } from "./jwt-signatures.js";
import { median } from "./stats.js";
import { JWT_SECRET, streamRequest, TENANT, unaryRequest } from "./workload.js";

export interface MicroResult {
  name: string;
  /** µs of CPU per call (median of the repeats). */
  micros: number;
}

export interface MicroSettings {
  iterations: number;
  repeats: number;
}

/**
 * CPU µs per call of `fn` (awaited): the median over `repeats` runs of
 * `iterations` calls, after one untimed run. CPU time, not wall time, so
 * that other processes on the machine do not count.
 */
export async function perCall(fn: () => unknown, { iterations, repeats }: MicroSettings): Promise<number> {
  const runs: number[] = [];
  for (let run = 0; run <= repeats; run++) {
    const started = process.cpuUsage();
    for (let index = 0; index < iterations; index++) await fn();
    const { user, system } = process.cpuUsage(started);
    if (run > 0) runs.push((user + system) / iterations);
  }
  return median(runs);
}

// What the offline server answers to the workload's unary request, as decoded.
export const ANSWER: WireModelResponseItem = {
  error: "",
  content: "offline answer",
  usage: '{"prompt_tokens":12,"completion_tokens":16,"total_tokens":28}',
  rawResponse:
    '{"id":"chatcmpl-offline","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"offline answer","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":16,"total_tokens":28}}',
};

// One chunk of the workload's stream, as decoded.
export const CHUNK: WireModelResponseItem = {
  error: "",
  content: " word",
  usage: "",
  rawResponse:
    '{"id":"chatcmpl-offline","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":" word"},"logprobs":null,"finish_reason":null}]}',
};
// The stream's last chunk says the answer ended, as a real server's does (a
// stream without it is an IncompleteAnswerError).
const LAST_CHUNK: WireModelResponseItem = {
  ...CHUNK,
  usage: '{"prompt_tokens":12,"completion_tokens":1000,"total_tokens":1012}',
  rawResponse:
    '{"id":"chatcmpl-offline","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":" word"},"logprobs":null,"finish_reason":"stop"}]}',
};
export const STREAM_CHUNKS = 1000;

// Answers every call itself: a client with it innermost runs all of its code
// but the transport. Streams get STREAM_CHUNKS chunks.
async function* answer(stream: boolean | undefined) {
  if (!stream) return void (yield ANSWER);
  for (let index = 1; index < STREAM_CHUNKS; index++) yield CHUNK;
  yield LAST_CHUNK;
}
export const answerWithoutNetwork: ClientMiddleware = (call) => answer((call.request as { stream?: boolean }).stream) as AsyncGenerator<never>;
const noChannel = { close() {} } as unknown as Channel;

// A middleware call for Invoke whose next() answers at once, as the transport would.
function invokeCall(request: unknown): ClientMiddlewareCall<unknown, unknown> {
  return {
    method: { path: "/model_service.ModelService/Invoke", requestStream: false, responseStream: true, options: {} },
    requestStream: false,
    responseStream: true,
    request,
    next: () => answer(false),
  } as unknown as ClientMiddlewareCall<unknown, unknown>;
}

/** A client of `sdk` (a build of the SDK) that runs all of its code but the transport, with `options` besides. */
export function offlineClient(sdk: typeof tamar, options: Parameters<typeof tamar.createModelClient>[0] = {}): ReturnType<typeof tamar.createModelClient> {
  return sdk.createModelClient({
    address: "127.0.0.1:1",
    jwtSecretKey: JWT_SECRET,
    useTls: false,
    env: {},
    envFile: false,
    middlewares: [answerWithoutNetwork],
    ...options,
  });
}

export async function drain(iterable: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of iterable);
}

export interface Pieces {
  results: MicroResult[];
  /** JWT signatures per call of the steady-state JWT middleware and whole-invoke rows. */
  signaturesPerCall: number;
  signedCalls: number;
}

export async function measurePieces(settings: MicroSettings): Promise<Pieces> {
  const { item } = await tamar.buildInvokeRequest(unaryRequest, false);
  const { item: streamItem } = await tamar.buildInvokeRequest(streamRequest, true);
  const message = tamar.ModelServiceDefinition.methods.invoke.requestType;
  const withoutExtra = { ...item, extra: undefined };
  const schema = tamar.RequestPairs.openaiChatCompletions.request;
  // The call's own controller exists before the middlewares run: its cost is the call's.
  const own = new AbortController();
  const options = {
    retry: true,
    retryMaxAttempts: 3,
    requestId: "bench-request-id",
    signal: own.signal,
    callAbortController: own,
  };
  const passThrough: ClientMiddleware = async function* (call, callOptions) {
    return yield* call.next(call.request, callOptions);
  };
  const jwt = tamar.createJwtMiddleware({ secretKey: JWT_SECRET });
  const attemptMetadata = chainInternals.createAttemptMetadataMiddleware(chainInternals.createAuthorization({ secretKey: JWT_SECRET }));
  const attemptOptions = { userContext: TENANT, deadline: new Date(Date.now() + 1e9) };
  const middleware = (mw: ClientMiddleware<any, any>, extra: object = {}) => {
    const callOptions = { ...options, ...extra };
    return () => drain(mw(invokeCall(item), callOptions));
  };
  const bare = createClientFactory().use(answerWithoutNetwork).create(tamar.ModelServiceDefinition, noChannel);
  const sdk = offlineClient(tamar);
  // Each signs its tenant's token once, before counting starts.
  await tamar.invoke(sdk, unaryRequest);
  await middleware(jwt, { userContext: TENANT })();
  await middleware(attemptMetadata, attemptOptions)();

  // [name, one run, chunks per run: the result is reported per chunk]
  const pieces: Array<[string, () => unknown, number?]> = [
    ["buildInvokeRequest: validation + extra sanitising", () => tamar.buildInvokeRequest(unaryRequest, false)],
    ["  of which valibot safeParse of the request", () => v.safeParse(schema, unaryRequest)],
    ...(chainInternals.encodeRequestItem === undefined
      ? []
      : [["encode the request as the client does (extra written directly)", () => chainInternals.encodeRequestItem!(item)] as [string, () => unknown]]),
    ["encode the request with ts-proto, extra as a Struct (reference)", () => message.encode(message.fromPartial(item)).finish()],
    ["  the same without extra", () => message.encode(message.fromPartial(withoutExtra)).finish()],
    ["toModelResponse of the unary answer", () => tamar.toModelResponse(ANSWER, "id")],
    ["middleware layer, pass-through (reference)", middleware(passThrough)],
    ["deadlineMiddleware: timer, aborting the call's own controller", middleware(tamar.deadlineMiddleware, { deadline: 30_000 })],
    ["streamTimeoutsMiddleware (unary: pass-through)", middleware(tamar.streamTimeoutsMiddleware)],
    ["streamRetryMiddleware (invoke: retry loop)", middleware(tamar.streamRetryMiddleware)],
    ["attempt metadata: x-request-id + grpc-timeout + token (cached)", middleware(attemptMetadata, attemptOptions)],
    ["standalone requestIdMiddleware: x-request-id", middleware(tamar.requestIdMiddleware)],
    ["standalone wireDeadlineMiddleware: grpc-timeout", middleware(tamar.wireDeadlineMiddleware, { deadline: new Date(Date.now() + 1e9) })],
    ["standalone JWT middleware, steady state (cached token)", middleware(jwt, { userContext: TENANT })],
    ["nice-grpc client, no middleware (reference)", () => drain(bare.invoke(item))],
    ["whole invoke(), transport excluded (chain path: a user middleware answers)", () => tamar.invoke(sdk, unaryRequest)],
    ["toModelResponse of a stream chunk", () => tamar.toModelResponse(CHUNK, "id")],
    ["stream, per chunk: nice-grpc client, no middleware (reference)", () => drain(bare.invoke(streamItem)), STREAM_CHUNKS],
    ["stream, per chunk: whole invokeStream(), transport excluded (chain path)", () => drain(tamar.invokeStream(sdk, streamRequest)), STREAM_CHUNKS],
  ];
  const results: MicroResult[] = [];
  const signaturesBefore = jwtSignatures();
  let signedCalls = 0;
  for (const [name, fn, chunks = 1] of pieces) {
    const runs = { ...settings, iterations: Math.max(1, Math.round(settings.iterations / chunks)) };
    const micros = (await perCall(fn, runs)) / chunks;
    if (/JWT|token|whole/.test(name)) signedCalls += (runs.repeats + 1) * runs.iterations;
    results.push({ name, micros });
  }
  await sdk.close();
  return { results, signaturesPerCall: (jwtSignatures() - signaturesBefore) / signedCalls, signedCalls };
}
