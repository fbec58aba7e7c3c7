import type { InvokeRequest } from "../schemas/invoke-request.js";
import { type CallOptions, startCall } from "./internal/call.js";
import {
  CancelledError,
  ClientClosedError,
  IncompleteAnswerError,
  ProviderError,
  StreamInterruptedError,
  type TamarModelError,
} from "./errors.js";
import { fallbackItemsOf, stampRoute, withRoutes } from "./internal/call-routes.js";
import { clientStateOf } from "./internal/client-state.js";
import type { ModelClient } from "./model-client.js";
import { buildInvokeRequest } from "./request/build-request.js";
import { endsWithFinishReason } from "./response/completeness.js";
import { type ModelResponse, toModelResponse } from "./response/model-response.js";
import { createStreamAssembler } from "./response/stream-assembly.js";

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
export async function* invokeStream(
  client: ModelClient,
  request: InvokeRequest,
  options: CallOptions = {},
): AsyncGenerator<ModelResponse, void, undefined> {
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
  const assembler = createStreamAssembler();
  let chunks = 0;
  let finished = false;
  let held: ModelResponse | undefined;
  try {
    try {
      for await (const message of state.invoke(item, call.options)) {
        const chunk = stampRoute(toModelResponse(message, call.requestId), report, item, client);
        if (chunk.error !== undefined) throw new ProviderError(chunk.error, { requestId: chunk.requestId, response: chunk });
        if (chunk.finishReason !== undefined) finished = true;
        chunks++;
        telemetry?.chunk(chunk);
        assembler.push(chunk);
        if (held) yield held;
        held = undefined;
        if (mayBeLast(chunk)) held = chunk;
        else yield chunk;
      }
    } catch (error) {
      let failure: TamarModelError = error instanceof ProviderError ? error : call.fail(error);
      const ownDoing = failure instanceof CancelledError || failure instanceof ClientClosedError;
      if (chunks > 0 && !ownDoing && !(failure instanceof ProviderError)) failure = new StreamInterruptedError(failure, chunks);
      telemetry?.fail(failure);
      // What arrived before the failure is still delivered.
      if (held) yield held;
      throw failure;
    }
    if (mustFinish && !finished) {
      // What arrived is still delivered, then the stream says it is not the whole answer.
      if (held) yield held;
      const cut = new IncompleteAnswerError("The stream ended with status OK but without a finish reason: the answer may be cut short", {
        requestId: call.requestId,
      });
      const failure = chunks > 0 ? new StreamInterruptedError(cut, chunks) : cut;
      telemetry?.fail(failure);
      throw failure;
    }
    const last = held ? assembler.complete(held) : assembler.summary(call.requestId);
    if (last) {
      telemetry?.chunk(last);
      yield stampRoute(last, report, item, client);
    }
    telemetry?.end();
  } finally {
    // A consumer that stops reading (`break`) ends the stream here, without an error.
    telemetry?.end();
    call.end();
  }
}
