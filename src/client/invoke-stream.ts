import type { InvokeRequest } from "../schemas/invoke-request.js";
import { type ActiveCall, type CallOptions, startCall } from "./internal/call.js";
import {
  CancelledError,
  ClientClosedError,
  IncompleteAnswerError,
  ProviderError,
  StreamInterruptedError,
  type TamarModelError,
} from "./errors.js";
import { fallbackItemsOf, stampRoute, withRoutes } from "./internal/call-routes.js";
import type { RouteReport } from "./internal/fallback-middleware.js";
import type { CallTelemetry } from "./internal/telemetry/call-telemetry.js";
import { clientStateOf } from "./internal/client-state.js";
import type { ReadWaiter } from "./internal/grpc-invoke.js";
import { type InvokeCall, isPolled } from "./internal/invoke-layer.js";
import type { ModelRequestItem, ModelResponseItem } from "../gen/model_service/model_service.js";
import type { ModelClient } from "./model-client.js";
import { buildInvokeRequest } from "./request/build-request.js";
import { endsWithFinishReason } from "./response/completeness.js";
import { type ModelResponse, toModelResponse } from "./response/model-response.js";
import { createStreamAssembler, type StreamAssembler } from "./response/stream-assembly.js";

// A chunk without text, or with the finish reason, may be the stream's last:
// it is held until the next chunk arrives (text is never held), so that the
// last chunk delivered can carry the stream's usage and assembled tool calls.
const mayBeLast = (chunk: ModelResponse) => chunk.content === undefined || chunk.finishReason !== undefined;

/**
 * Makes one streamed model call; yields the answer chunk by chunk. The last
 * chunk carries the stream's totals: `usage` / `tokenUsage`, the finish
 * reason and the tool calls assembled from their streamed pieces (chunks that
 * report usage carry `tokenUsage` so far). {@link collectStream} makes one
 * response of it.
 *
 * The request is validated before any network I/O. The stream is bounded by
 * the client's first-chunk and idle timeouts, and by `timeoutMs` only when
 * given. A failure before the first chunk is retried like `invoke`; after it,
 * the stream throws a StreamInterruptedError (never repeats a chunk). An
 * in-band provider error throws a ProviderError. A text stream that ends
 * without a finish reason is incomplete: an IncompleteAnswerError (inside a
 * StreamInterruptedError after chunks), unless the client's
 * `requireFinishReason` is false. `break` or
 * `options.signal` cancel the call on the server.
 *
 * @example
 * for await (const chunk of invokeStream(client, request)) process.stdout.write(chunk.content ?? "");
 */
export function invokeStream(client: ModelClient, request: InvokeRequest, options: CallOptions = {}): AsyncGenerator<ModelResponse, void, undefined> {
  return new ChunkStream(client, request, options);
}

type Step = IteratorResult<ModelResponse, void>;
const DONE: Step = Object.freeze({ done: true, value: undefined });

// What the consumer asked for.
const NEXT = 0;
const RETURN = 1;
const THROW = 2;
type Ask = typeof NEXT | typeof RETURN | typeof THROW;
interface Queued {
  readonly ask: Ask;
  readonly value: unknown;
  readonly resolve: (step: Step) => void;
  readonly reject: (error: unknown) => void;
}

// Where the stream is.
const NEW = 0; // nothing asked yet: nothing validated, nothing sent
const BUSY = 1; // starting, reading, or closing the call's answers
const AT_CHUNK = 2; // a chunk is with the consumer; the answers read on
const AT_FAILURE = 3; // the chunk held before a failure is with the consumer; the failure comes next
const AT_INCOMPLETE = 4; // the chunk held before an incomplete end is with the consumer
const AT_LAST = 5; // the last chunk is with the consumer
const OVER = 6;

/** What a call is once it has started (the request built and validated, the call's bookkeeping begun). */
interface Started {
  readonly client: ModelClient;
  readonly item: ModelRequestItem;
  readonly call: ActiveCall;
  readonly report: RouteReport;
  readonly telemetry: CallTelemetry | undefined;
  readonly mustFinish: boolean;
  readonly invoke: InvokeCall;
}

// What a generator would do before its loop: build and validate, then begin the call's bookkeeping.
async function start(client: ModelClient, request: InvokeRequest, options: CallOptions): Promise<Started> {
  const { item } = await buildInvokeRequest(request, true);
  const fallbackItems = await fallbackItemsOf(client, request, options, true);
  const mustFinish = client.settings.requireFinishReason && endsWithFinishReason(item.invokeType);
  const state = clientStateOf(client);
  const telemetry = state.telemetry?.invoke(request, item, true);
  let call;
  try {
    call = startCall(client, options, true, request.userContext, telemetry, state.fusedInvoke);
  } catch (error) {
    telemetry?.fail(error);
    throw error;
  }
  const report = withRoutes(call.options, fallbackItems);
  return { client, item, call, report, telemetry, mustFinish, invoke: state.invoke };
}

/**
 * The stream `invokeStream` returns: what an async generator reading the
 * call's answers with for-await would do (the call starts on the first
 * `next()`; asks are answered in order; `return` and `throw` at a chunk end
 * the call as they would end the loop), as an object of its own. With
 * thousands of streams open, each holds its stream while it waits for the
 * server, and these fields are far less than a generator's frame with its
 * request queue and the promise of each `await`.
 */
class ChunkStream implements AsyncGenerator<ModelResponse, void, undefined>, ReadWaiter {
  #state = NEW;
  // Until the call starts.
  #request: readonly [ModelClient, InvokeRequest, CallOptions] | undefined;
  #started: Started | undefined = undefined;
  #answers: AsyncIterator<ModelResponseItem> | undefined = undefined;
  // Polled answers will say when to read again.
  #waiting = false;
  #assembler: StreamAssembler | undefined = undefined;
  #chunks = 0;
  #finished = false;
  #held: ModelResponse | undefined = undefined;
  // A chunk read while the one held before it is with the consumer.
  #after: ModelResponse | undefined = undefined;
  #failure: TamarModelError | undefined = undefined;
  // The ask being answered, then those waiting behind it.
  #resolve: ((step: Step) => void) | undefined = undefined;
  #reject: ((error: unknown) => void) | undefined = undefined;
  #queue: Queued[] | undefined = undefined;

  constructor(client: ModelClient, request: InvokeRequest, options: CallOptions) {
    this.#request = [client, request, options];
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<Step> {
    return this.#ask(NEXT, undefined);
  }

  return(value?: void | PromiseLike<void>): Promise<Step> {
    return this.#ask(RETURN, value);
  }

  throw(error: unknown): Promise<Step> {
    return this.#ask(THROW, error);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  #ask(ask: Ask, value: unknown): Promise<Step> {
    return new Promise((resolve, reject) => {
      if (this.#resolve !== undefined) return void (this.#queue ??= []).push({ ask, value, resolve, reject });
      this.#resolve = resolve;
      this.#reject = reject;
      this.#answer(ask, value);
    });
  }

  #answer(ask: Ask, value: unknown): void {
    const state = this.#state;
    if (state === NEW) {
      this.#state = BUSY;
      if (ask === NEXT) return this.#start();
      this.#request = undefined;
      this.#state = OVER;
      if (ask === RETURN) return this.#settle(value);
      return this.#fail(value);
    }
    if (state === OVER) {
      if (ask === THROW) return this.#fail(value);
      return this.#settle(ask === RETURN ? value : undefined);
    }
    this.#state = BUSY;
    if (state === AT_CHUNK) {
      if (ask === NEXT) return this.#readOn();
      // As a `return` or `throw` at a yield inside for-await: the answers are closed first.
      return this.#closeAnswers(ask, value);
    }
    if (ask === NEXT) {
      if (state === AT_FAILURE) return this.#end(this.#failure, true);
      if (state === AT_INCOMPLETE) return this.#incomplete();
      // AT_LAST
      this.#started!.telemetry?.end();
      return this.#end(undefined, false);
    }
    if (ask === RETURN) return this.#end(undefined, false, value);
    return this.#end(value, true);
  }

  #start(): void {
    const [client, request, options] = this.#request!;
    this.#request = undefined;
    start(client, request, options).then(
      (started) => {
        this.#started = started;
        this.#assembler = createStreamAssembler();
        try {
          this.#answers = started.invoke(started.item, started.call.options)[Symbol.asyncIterator]();
        } catch (error) {
          return this.#caught(error);
        }
        this.#read();
      },
      (error: unknown) => {
        this.#state = OVER;
        this.#fail(error);
      },
    );
  }

  #read(): void {
    const answers = this.#answers!;
    let answer;
    try {
      if (isPolled(answers)) {
        // The client's own layer: read now, or when it says so.
        const result = answers.poll(this);
        if (result === undefined) this.#waiting = true;
        else this.#answered(result);
        return;
      }
      answer = answers.next();
    } catch (error) {
      return this.#caught(error);
    }
    answer.then(
      (result) => this.#answered(result),
      (error: unknown) => this.#caught(error),
    );
  }

  /** The layer's answers can be polled again (see `#read`); does nothing unless the stream waits for them. */
  readable(): void {
    if (this.#state === BUSY && this.#waiting) {
      this.#waiting = false;
      this.#read();
    }
  }

  #readOn(): void {
    const chunk = this.#after;
    if (chunk === undefined) return this.#read();
    this.#after = undefined;
    this.#held = undefined;
    if (mayBeLast(chunk)) {
      this.#held = chunk;
      return this.#read();
    }
    this.#yield(chunk, AT_CHUNK);
  }

  #answered(result: IteratorResult<ModelResponseItem>): void {
    if (result.done) return this.#answersEnded();
    const { client, item, call, report, telemetry } = this.#started!;
    let chunk;
    try {
      chunk = stampRoute(toModelResponse(result.value, call.requestId), report, item, client);
      if (chunk.error !== undefined) throw new ProviderError(chunk.error, { requestId: chunk.requestId, response: chunk });
      if (chunk.finishReason !== undefined) this.#finished = true;
      this.#chunks++;
      telemetry?.chunk(chunk);
      this.#assembler!.push(chunk);
    } catch (error) {
      // As for-await when its body throws: the answers are closed, then the error is the stream's.
      return this.#closeAnswers(THROW, error);
    }
    if (this.#held !== undefined) {
      this.#after = chunk;
      return this.#yield(this.#held, AT_CHUNK);
    }
    if (mayBeLast(chunk)) {
      this.#held = chunk;
      return this.#read();
    }
    this.#yield(chunk, AT_CHUNK);
  }

  // The answers ended: the held chunk finished, or the stream found incomplete.
  #answersEnded(): void {
    const { client, item, call, report, telemetry, mustFinish } = this.#started!;
    const held = this.#held;
    if (mustFinish && !this.#finished) {
      // What arrived is still delivered, then the stream says it is not the whole answer.
      if (held !== undefined) return this.#yield(held, AT_INCOMPLETE);
      return this.#incomplete();
    }
    let last;
    try {
      last = held ? this.#assembler!.complete(held) : this.#assembler!.summary(call.requestId);
      if (last) {
        telemetry?.chunk(last);
        last = stampRoute(last, report, item, client);
      }
    } catch (error) {
      return this.#end(error, true);
    }
    if (last) return this.#yield(last, AT_LAST);
    telemetry?.end();
    this.#end(undefined, false);
  }

  #incomplete(): void {
    const { call, telemetry } = this.#started!;
    const cut = new IncompleteAnswerError("The stream ended with status OK but without a finish reason: the answer may be cut short", {
      requestId: call.requestId,
    });
    const failure = this.#chunks > 0 ? new StreamInterruptedError(cut, this.#chunks) : cut;
    telemetry?.fail(failure);
    this.#end(failure, true);
  }

  // `return` (or `throw`) while the answers are being read: they are closed,
  // as for-await closes its iterator; an error closing them is the stream's
  // after a `return`, and the one thrown wins after a `throw`.
  #closeAnswers(ask: typeof RETURN | typeof THROW, value: unknown): void {
    const answers = this.#answers!;
    let closing;
    try {
      closing = answers.return?.();
    } catch (error) {
      return this.#caught(ask === THROW ? value : error);
    }
    if (closing === undefined) return ask === THROW ? this.#caught(value) : this.#end(undefined, false, value);
    closing.then(
      () => (ask === THROW ? this.#caught(value) : this.#end(undefined, false, value)),
      (error: unknown) => this.#caught(ask === THROW ? value : error),
    );
  }

  // What the call's answers failed with (or the loop's body threw).
  #caught(error: unknown): void {
    const { call, telemetry } = this.#started!;
    let failure: TamarModelError;
    try {
      failure = error instanceof ProviderError ? error : call.fail(error);
      const ownDoing = failure instanceof CancelledError || failure instanceof ClientClosedError;
      if (this.#chunks > 0 && !ownDoing && !(failure instanceof ProviderError)) failure = new StreamInterruptedError(failure, this.#chunks);
      telemetry?.fail(failure);
    } catch (thrown) {
      return this.#end(thrown, true);
    }
    // What arrived before the failure is still delivered.
    if (this.#held !== undefined) {
      this.#failure = failure;
      return this.#yield(this.#held, AT_FAILURE);
    }
    this.#end(failure, true);
  }

  #yield(chunk: ModelResponse, at: number): void {
    this.#state = at;
    this.#settle(chunk, false);
  }

  // The stream is over: the call's bookkeeping ended (a consumer that stops
  // reading ends it here, without an error); then the ask is answered.
  #end(error: unknown, failed: boolean, value?: unknown): void {
    this.#state = OVER;
    const started = this.#started;
    this.#held = this.#after = this.#failure = undefined;
    if (started !== undefined) {
      try {
        started.telemetry?.end();
        started.call.end();
      } catch (thrown) {
        error = thrown;
        failed = true;
      }
    }
    if (failed) this.#fail(error);
    else this.#settle(value);
  }

  #settle(value: unknown, done = true): void {
    const resolve = this.#resolve!;
    this.#resolve = this.#reject = undefined;
    resolve(done ? (value === undefined ? DONE : ({ done: true, value } as unknown as Step)) : { done: false, value: value as ModelResponse });
    this.#next();
  }

  #fail(error: unknown): void {
    const reject = this.#reject!;
    this.#resolve = this.#reject = undefined;
    reject(error);
    this.#next();
  }

  // The next ask waiting, if any.
  #next(): void {
    const queued = this.#queue?.shift();
    if (queued === undefined) return;
    this.#resolve = queued.resolve;
    this.#reject = queued.reject;
    this.#answer(queued.ask, queued.value);
  }
}
