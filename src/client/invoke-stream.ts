import type { InvokeRequest } from "../schemas/invoke-request.js";
import { type CallOptions, startCall } from "./call.js";
import { CancelledError, ClientClosedError, ProviderError, StreamInterruptedError, type TamarModelError } from "./errors.js";
import { fallbackItemsOf, stampRoute, withRoutes } from "./internal/call-routes.js";
import type { ModelClient } from "./model-client.js";
import { buildInvokeRequest } from "./request/build-request.js";
import { type ModelResponse, toModelResponse } from "./response/model-response.js";

/**
 * Makes one streamed model call; yields the answer chunk by chunk (the last
 * chunk usually carries `usage`).
 *
 * The request is validated before any network I/O. The stream is bounded by
 * the client's first-chunk and idle timeouts, and by `timeoutMs` only when
 * given. A failure before the first content (text or a tool-call fragment;
 * metadata-only frames do not count) is retried like `invoke`, and falls back
 * to the next route like `invoke`; after it, the stream throws a
 * StreamInterruptedError (never repeats a chunk, never mixes two answers).
 * Each chunk carries `route` and `attempts`. An in-band provider error
 * throws a ProviderError. `break` or
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
  const call = startCall(client, options, true, request.userContext);
  const report = withRoutes(call.options, fallbackItems);
  let chunks = 0;
  try {
    for await (const message of client.service.invoke(item, call.options)) {
      const chunk = stampRoute(toModelResponse(message, call.requestId), report, item, client);
      if (chunk.error !== undefined) throw new ProviderError(chunk.error, { requestId: chunk.requestId, response: chunk });
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
}
