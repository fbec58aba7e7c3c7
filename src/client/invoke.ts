import type { ModelResponseItem } from "../gen/model_service/model_service.js";
import type { AsyncInvokeRequest, InvokeRequest } from "../schemas/invoke-request.js";
import { type CallOptions, withCall } from "./internal/call.js";
import { InternalError, ProviderError } from "./errors.js";
import { fallbackItemsOf, stampRoute, withRoutes } from "./internal/call-routes.js";
import { clientStateOf } from "./internal/client-state.js";
import type { ModelClient } from "./model-client.js";
import { buildInvokeRequest } from "./request/build-request.js";
import { type CreatedTask, toCreatedTask } from "./response/created-task.js";
import { type ModelResponse, toModelResponse } from "./response/model-response.js";

/**
 * Makes one model call and returns the whole answer — or, for an
 * asynchronous request (`enableAsyncTask: true`; video generation is always
 * one), the task the server created: follow it with `getTaskStatus` or
 * `waitForTask`.
 *
 * The request is validated first (a ValidationError names every bad field,
 * before any network I/O). The call has a deadline (`timeoutMs`, default the
 * client's `invokeTimeoutMs`) that the server sees; UNAVAILABLE and
 * RESOURCE_EXHAUSTED are retried with backoff. An in-band provider error
 * throws a ProviderError; transport failures throw the typed error of their
 * gRPC status.
 *
 * @example
 * const res = await invoke(client, { provider: "openai", model: "gpt-4o-mini",
 *   messages: [{ role: "user", content: "hi" }], userContext });
 * const task = await invoke(client, { provider: "openai", model: "sora-2",
 *   prompt: "a red kite", enableAsyncTask: true, userContext });
 */
// The direct form first: a one-call file then never has the compiler expand
// every asynchronous request type (direct requests carry no enableAsyncTask).
export async function invoke(client: ModelClient, request: InvokeRequest, options?: CallOptions): Promise<ModelResponse>;
export async function invoke(client: ModelClient, request: AsyncInvokeRequest, options?: CallOptions): Promise<CreatedTask>;
export async function invoke(
  client: ModelClient,
  request: InvokeRequest | AsyncInvokeRequest,
  options: CallOptions = {},
): Promise<ModelResponse | CreatedTask> {
  const { item, async } = await buildInvokeRequest(request, false);
  const fallbackItems = await fallbackItemsOf(client, request as InvokeRequest, options, false);
  const state = clientStateOf(client);
  const telemetry = state.telemetry?.invoke(request, item, false);
  try {
    const [answer, count, requestId, report] = await withCall(
      client,
      options,
      request.userContext,
      async (call) => {
        const report = withRoutes(call.options, fallbackItems);
        let first: ModelResponseItem | undefined;
        let messages = 0;
        // Read to the end of the call, so that an error status sent after the
        // answer still surfaces.
        for await (const message of state.invoke(item, call.options)) {
          first ??= message;
          messages++;
        }
        return [first, messages, call.requestId, report] as const;
      },
      telemetry,
      state.fusedInvoke,
    );
    if (answer === undefined) throw new InternalError("The server ended the call without an answer", { requestId });
    // A second message would be silently dropped: the answer is not the one message it should be.
    if (count > 1) throw new InternalError(`The server answered a non-stream invoke with ${count} messages instead of one`, { requestId });
    if (answer.error) {
      const response = toModelResponse(answer, requestId);
      throw new ProviderError(answer.error, { requestId: response.requestId, response });
    }
    if (async) {
      // The span covers the task's creation; the task runs on the server.
      telemetry?.end();
      return toCreatedTask(answer, requestId);
    }
    const response = stampRoute(toModelResponse(answer, requestId), report, item, client);
    telemetry?.end(response);
    return response;
  } catch (error) {
    telemetry?.fail(error);
    throw error;
  }
}
