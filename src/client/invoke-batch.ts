import type { ModelResponse as WireBatchResponse } from "../gen/model_service/model_service.js";
import type { BatchRequest } from "../schemas/batch-request.js";
import { type CallOptions, withCall } from "./internal/call.js";
import { quoted } from "../internal/bounded-text.js";
import { InternalError } from "./errors.js";
import { refuseFallbacks } from "./fallback.js";
import { clientStateOf } from "./internal/client-state.js";
import type { ModelClient } from "./model-client.js";
import { buildBatchRequest } from "./request/build-request.js";
import { type ModelResponse, toModelResponse } from "./response/model-response.js";

const MAX_LISTED_IDS = 10;

/** The answer to a batch. */
export interface BatchResponse {
  /** The call's request id. */
  requestId: string;
  /** One answer per request item, in request order, each matched by its `customId`. */
  responses: ModelResponse[];
  /** The same answers by custom id. */
  byCustomId: ReadonlyMap<string, ModelResponse>;
}

function matchByCustomId(reply: WireBatchResponse, customIds: string[], requestId: string): BatchResponse {
  const wanted = new Set(customIds);
  const answers = new Map<string, ModelResponse>();
  const stray: string[] = [];
  for (const item of reply.items) {
    const id = item.customId ?? "";
    if (!wanted.has(id) || answers.has(id)) stray.push(quoted(id));
    else answers.set(id, toModelResponse(item, reply.requestId || requestId));
  }
  if (stray.length > 0) {
    // Server data: the list is bounded however many ids the reply holds.
    const listed = stray.slice(0, MAX_LISTED_IDS).join(", ") + (stray.length > MAX_LISTED_IDS ? ` and ${stray.length - MAX_LISTED_IDS} more` : "");
    throw new InternalError(`The server answered ${stray.length} custom id(s) that are unknown or repeated: ${listed}`, {
      requestId,
    });
  }
  const responses = customIds.map((customId) => {
    let answer = answers.get(customId);
    if (!answer) {
      answer = { customId, requestId, error: "The server sent no answer for this item" };
      answers.set(customId, answer);
    }
    return answer;
  });
  return { requestId: reply.requestId || requestId, responses, byCustomId: answers };
}

/**
 * Makes a batch of model calls in one BatchInvoke. Items are validated one by
 * one before any network I/O (errors name `items.<index>.<field>`); each
 * answer is matched to its item by `customId`, never by position. Items
 * without a `customId` get `#<index>`. A failed item carries its own `error`
 * and does not fail the batch; an item the server did not answer gets an
 * `error` saying so; answers with unknown or repeated custom ids fail the
 * call with an InternalError. The call has the client's invoke deadline and is
 * retried on UNAVAILABLE and RESOURCE_EXHAUSTED.
 */
export async function invokeBatch(client: ModelClient, request: BatchRequest, options: CallOptions = {}): Promise<BatchResponse> {
  refuseFallbacks(options, "invokeBatch");
  const { message, customIds } = await buildBatchRequest(request);
  const telemetry = clientStateOf(client).telemetry?.batch(request, message.items);
  try {
    const [reply, requestId] = await withCall(
      client,
      options,
      request.userContext,
      async (call) => [await client.service.batchInvoke(message, call.options), call.requestId] as const,
      telemetry,
    );
    const answer = matchByCustomId(reply, customIds, requestId);
    telemetry?.end(answer.responses);
    return answer;
  } catch (error) {
    telemetry?.fail(error);
    throw error;
  }
}
