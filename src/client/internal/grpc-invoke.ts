// ModelService.Invoke on grpc-js itself, for the client's own call path: the
// same request bytes, headers and errors as nice-grpc's client gives, without
// its per-call generators, option copies and metadata conversion, and with
// grpc-js's own deadline (it sends `grpc-timeout` and ends the call when the
// deadline passes) instead of a timer and an AbortController of the SDK's.
import { Client, Metadata as GrpcMetadata, type ClientReadableStream, type ServiceError } from "@grpc/grpc-js";
import { ClientError, Metadata } from "nice-grpc-common";
import type { Channel } from "nice-grpc";
import { type ModelRequestItem, ModelResponseItem } from "../../gen/model_service/model_service.js";
import { abortError } from "./abort.js";
import { encodeRequestItem } from "../../internal/request-wire.js";
import type { CallCancellation } from "./call-cancellation.js";
import type { TraceHeaders } from "./telemetry/call-telemetry.js";

/** The wire path of Invoke. */
export const INVOKE_PATH = "/model_service.ModelService/Invoke";

const deserialize = (bytes: Buffer) => ModelResponseItem.decode(bytes);

/** Told when an attempt's next answer, its end or its failure may be there to read. */
export interface ReadWaiter {
  readable(): void;
}

/** The answers of one attempt, read one by one; `trailer()` once it ended. */
export interface ResponseReader {
  /**
   * The next answer, or the end (`done`), if it is there; throws a
   * ClientError (or an AbortError once the call was cancelled), as nice-grpc's
   * client does. Undefined when nothing is there yet: `waiter` is then told
   * once, when something may be, and polls again.
   */
  poll(waiter: ReadWaiter): IteratorResult<ModelResponseItem, undefined> | undefined;
  /** Cancels the call if it is still running, and lets go of it. Idempotent. */
  close(): void;
  /** The call's trailers, once its status arrived. */
  trailer(): Metadata | undefined;
}

/** What an attempt sends. */
export interface AttemptRequest {
  readonly item: ModelRequestItem;
  readonly metadata: GrpcMetadata;
  /** When grpc-js ends the call (ms since the epoch); none without one. */
  readonly deadline: number | undefined;
  /** The call's cancellation: cancels the attempt while it runs. */
  readonly cancellation: CallCancellation;
}

/** Starts Invoke calls on `channel`. */
export function createInvokeTransport(channel: Channel): (request: AttemptRequest) => ResponseReader {
  // As nice-grpc builds its grpc-js client: no credentials of its own, the channel's.
  const client = new Client("", null as never, { channelOverride: channel });
  const withoutDeadline = {};
  return function start({ item, metadata, deadline, cancellation }) {
    if (cancellation.aborted) throw abortError();
    // grpc-js makes an Error per call to add the caller's stack to the error
    // of a call that fails; its frames keep their functions and receivers
    // alive for as long as the call runs. The reader makes its own errors of
    // a failed call (ClientError, below), so that stack is not captured.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    let stream;
    try {
      stream = client.makeServerStreamRequest(INVOKE_PATH, encodeRequestItem, deserialize, item, metadata, deadline === undefined ? withoutDeadline : { deadline });
    } catch (error) {
      Error.stackTraceLimit = stackTraceLimit;
      // An error grpc-js throws as it starts the call (a closed channel) gets the stack it would have had.
      if (error instanceof Error) Error.captureStackTrace(error, start);
      throw error;
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    return new Reader(stream, cancellation);
  };
}

const DONE: IteratorResult<ModelResponseItem, undefined> = Object.freeze({ done: true, value: undefined });

function niceMetadata(metadata: GrpcMetadata): Metadata {
  const converted = Metadata();
  for (const key of Object.keys(metadata.getMap())) converted.set(key, metadata.get(key) as string[]);
  return converted;
}

// nice-grpc's readable-to-iterable loop (read() until null, then wait for an
// event), without a generator or a promise: the reader of the answers polls,
// and is told when to poll again. A class with listeners shared by every
// stream, not closures per call: with thousands of streams open, each one's
// state is what stays on the heap.
const READER = Symbol("reader");
type Stream = ClientReadableStream<ModelResponseItem> & { [READER]?: Reader };

function onReadable(this: Stream) {
  this[READER]?.wake();
}
function onError(this: Stream, error: ServiceError) {
  const reader = this[READER];
  if (reader === undefined) return;
  reader.failure = error;
  reader.wake();
}
function onStatus(this: Stream, status: { metadata: GrpcMetadata }) {
  const reader = this[READER];
  if (reader !== undefined) reader.status = status.metadata;
}
function onEnd(this: Stream) {
  const reader = this[READER];
  if (reader === undefined) return;
  reader.ended = true;
  reader.wake();
}

class Reader implements ResponseReader {
  failure: ServiceError | undefined = undefined;
  ended = false;
  status: GrpcMetadata | undefined = undefined;
  readonly #stream: Stream;
  readonly #cancellation: CallCancellation;
  #closed = false;
  #waiter: ReadWaiter | undefined = undefined;

  constructor(stream: Stream, cancellation: CallCancellation) {
    this.#stream = stream;
    this.#cancellation = cancellation;
    cancellation.attempt = this;
    stream[READER] = this;
    // Errors are the reader's to report: without a listener an 'error' event would throw.
    stream.on("readable", onReadable).on("error", onError).on("status", onStatus).on("end", onEnd).on("close", onEnd);
  }

  poll(waiter: ReadWaiter): IteratorResult<ModelResponseItem, undefined> | undefined {
    this.#waiter = undefined;
    const result = this.#poll();
    if (result === undefined) this.#waiter = waiter;
    return result;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#cancellation.attempt === this) this.#cancellation.attempt = undefined;
    // A call whose status arrived is over: cancelling it (as nice-grpc does after
    // every call) would only walk grpc-js's call layers to find that out.
    if (this.status === undefined && this.failure === undefined) this.#stream.cancel();
  }

  /** Cancels the call on the server (the call's cancellation does, while this attempt runs). */
  cancel(): void {
    this.#stream.cancel();
  }

  trailer(): Metadata | undefined {
    const trailers = this.status ?? this.failure?.metadata;
    return trailers === undefined ? undefined : niceMetadata(trailers);
  }

  wake(): void {
    const waiter = this.#waiter;
    if (waiter === undefined) return;
    this.#waiter = undefined;
    waiter.readable();
  }

  // undefined: nothing yet, wait for the next event.
  #poll(): IteratorResult<ModelResponseItem, undefined> | undefined {
    const stream = this.#stream;
    const message = stream.destroyed ? null : (stream.read() as ModelResponseItem | null);
    if (message !== null) return { done: false, value: message };
    if (this.failure !== undefined) {
      this.close();
      throw this.#errorOf(this.failure);
    }
    if (this.ended) {
      this.close();
      // As nice-grpc: a cancelled call fails, however it ended.
      if (this.#cancellation.aborted) throw abortError();
      return DONE;
    }
    return undefined;
  }

  #errorOf(error: ServiceError): unknown {
    if (this.#cancellation.aborted) {
      const aborted = abortError();
      aborted.cause = error;
      return aborted;
    }
    return new ClientError(INVOKE_PATH, error.code, error.details);
  }
}

/**
 * The grpc-js metadata of an attempt: the call's own (caller's, converted as
 * nice-grpc converts them), the trace context's headers over any of the same
 * name, then the headers the client sets, which replace any of the same name.
 */
export function attemptMetadata(
  callMetadata: Metadata | undefined,
  traceHeaders: TraceHeaders | undefined,
  requestId: string | undefined,
  authorization: string | undefined,
): GrpcMetadata {
  const metadata = new GrpcMetadata();
  if (callMetadata !== undefined) {
    for (const [key, values] of callMetadata) {
      for (const value of values) metadata.add(key, typeof value === "string" ? value : Buffer.from(value));
    }
  }
  if (traceHeaders !== undefined) {
    for (const key in traceHeaders) metadata.set(key, traceHeaders[key]!);
  }
  if (requestId !== undefined) metadata.set("x-request-id", requestId);
  if (authorization !== undefined) metadata.set("authorization", authorization);
  return metadata;
}
