import type { ModelResponseItem } from "../gen/model_service/model_service.js";
import type { InvokeRequest } from "../schemas/invoke-request.js";
import { type CallOptions, withCall } from "./internal/call.js";
import { InternalError, ProviderError } from "./errors.js";
import { fallbackItemsOf, stampRoute, withRoutes } from "./internal/call-routes.js";
import type { ModelClient } from "./model-client.js";
import { buildInvokeRequest } from "./request/build-request.js";
import { type ModelResponse, toModelResponse } from "./response/model-response.js";

/**
 * Makes one model call and returns the whole answer.
 *
 * The request is validated first (a ValidationError names every bad field,
 * before any network I/O). The call has a deadline (`timeoutMs`, default the
 * client's `invokeTimeoutMs`) that the server sees; UNAVAILABLE and
 * RESOURCE_EXHAUSTED are retried with backoff (or after the server's
 * back-off hint). An in-band provider error throws a ProviderError;
 * transport failures throw the typed error of their gRPC status. With
 * fallbacks (`options.fallbacks` or the client's), failing routes are left
 * for the next one; `response.route` says which one answered and
 * `response.attempts` how the earlier ones failed, and a
 * FallbackExhaustedError carries every route's error when none answered.
 *
 * @example
 * const res = await invoke(client, { provider: "openai", model: "gpt-4o-mini",
 *   messages: [{ role: "user", content: "hi" }], userContext });
 */
export async function invoke(client: ModelClient, request: InvokeRequest, options: CallOptions = {}): Promise<ModelResponse> {
  const { item } = await buildInvokeRequest(request, false);
  const fallbackItems = await fallbackItemsOf(client, request, options, false);
  const [answer, requestId, report] = await withCall(client, options, request.userContext, async (call) => {
    const report = withRoutes(call.options, fallbackItems);
    let first: ModelResponseItem | undefined;
    // Read to the end of the call, so that an error status sent after the
    // answer still surfaces.
    for await (const message of client.service.invoke(item, call.options)) first ??= message;
    return [first, call.requestId, report] as const;
  });
  if (answer === undefined) throw new InternalError("The server ended the call without an answer", { requestId });
  const response = stampRoute(toModelResponse(answer, requestId), report, item, client);
  if (response.error !== undefined) throw new ProviderError(response.error, { requestId: response.requestId, response });
  return response;
}
