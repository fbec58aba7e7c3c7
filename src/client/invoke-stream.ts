import type { InvokeRequest } from "../schemas/invoke-request.js";
import { type CallOptions, startCall } from "./call.js";
import { CancelledError, ClientClosedError, ProviderError, StreamInterruptedError, type TamarModelError } from "./errors.js";
import { clientState, type ModelClient } from "./model-client.js";
import { buildInvokeRequest } from "./request/build-request.js";
import { type ModelResponse, toModelResponse } from "./response/model-response.js";

/**
 * Makes one streamed model call; yields the answer chunk by chunk (the last
 * chunk usually carries `usage`).
 *
 * The request is validated before any network I/O. The stream is bounded by
 * the client's first-chunk and idle timeouts, and by `timeoutMs` only when
 * given. A failure before the first chunk is retried like `invoke`; after it,
 * the stream throws a StreamInterruptedError (never repeats a chunk). An
 * in-band provider error throws a ProviderError. `break` or
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
  const telemetry = clientState(client).telemetry?.invoke(request, item, true);
  let call;
  try {
    call = startCall(client, options, true, request.userContext, telemetry);
  } catch (error) {
    telemetry?.fail(error);
    throw error;
  }
  let chunks = 0;
  try {
    for await (const message of client.service.invoke(item, call.options)) {
      const chunk = toModelResponse(message, call.requestId);
      if (chunk.error !== undefined) throw new ProviderError(chunk.error, { requestId: chunk.requestId, response: chunk });
      chunks++;
      telemetry?.chunk(chunk);
      yield chunk;
    }
    telemetry?.end();
  } catch (error) {
    if (error instanceof ProviderError) {
      telemetry?.fail(error);
      throw error;
    }
    const typed: TamarModelError = call.fail(error);
    const ownDoing = typed instanceof CancelledError || typed instanceof ClientClosedError;
    const thrown = chunks > 0 && !ownDoing ? new StreamInterruptedError(typed, chunks) : typed;
    telemetry?.fail(thrown);
    throw thrown;
  } finally {
    // A consumer that stops reading (`break`) ends the stream here, without an error.
    telemetry?.end();
    call.end();
  }
}
