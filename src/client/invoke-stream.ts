import type { InvokeRequest } from "../schemas/invoke-request.js";
import { type CallOptions, startCall } from "./call.js";
import {
  CancelledError,
  ClientClosedError,
  IncompleteAnswerError,
  ProviderError,
  StreamInterruptedError,
  type TamarModelError,
} from "./errors.js";
import type { ModelClient } from "./model-client.js";
import { buildInvokeRequest } from "./request/build-request.js";
import { endsWithFinishReason } from "./response/completeness.js";
import { type ModelResponse, toModelResponse } from "./response/model-response.js";

/**
 * Makes one streamed model call; yields the answer chunk by chunk (the last
 * chunk usually carries `usage`).
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
  const call = startCall(client, options, true, request.userContext);
  const mustFinish = client.settings.requireFinishReason && endsWithFinishReason(item.invokeType);
  let chunks = 0;
  let finished = false;
  try {
    for await (const message of client.service.invoke(item, call.options)) {
      const chunk = toModelResponse(message, call.requestId);
      if (chunk.error !== undefined) throw new ProviderError(chunk.error, { requestId: chunk.requestId, response: chunk });
      if (chunk.finishReason !== undefined) finished = true;
      chunks++;
      yield chunk;
    }
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    const typed: TamarModelError = call.fail(error);
    const ownDoing = typed instanceof CancelledError || typed instanceof ClientClosedError;
    throw chunks > 0 && !ownDoing ? new StreamInterruptedError(typed, chunks) : typed;
  } finally {
    call.end();
  }
  if (mustFinish && !finished) {
    const cut = new IncompleteAnswerError("The stream ended with status OK but without a finish reason: the answer may be cut short", {
      requestId: call.requestId,
    });
    throw chunks > 0 ? new StreamInterruptedError(cut, chunks) : cut;
  }
}
