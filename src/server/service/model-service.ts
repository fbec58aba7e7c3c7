/**
 * The ModelService implementation: tenant check, routing and validation,
 * then the provider. Batch items run through {@link runBatch}, each failure
 * in its own item.
 */
import { type CallContext, ServerError, Status } from "nice-grpc";
import type {
  GetTaskStatusResponse,
  ModelRequestItem,
  ModelResponseItem,
  ModelServiceImplementation,
} from "../../gen/model_service/model_service.js";
import { quoted } from "../../internal/bounded-text.js";
import { checkTenant } from "../auth/check-tenant.js";
import { dedupKey, type DedupIdentity } from "../dedup/dedup-key.js";
import type { Attempt, SharedCalls } from "../dedup/shared-calls.js";
import type { Authenticated } from "../grpc/auth.js";
import type { CallScope } from "../grpc/call-scope.js";
import type { ConnectionWatch } from "../grpc/connection-watch.js";
import { inBandText, invalidArgument } from "../grpc/status-errors.js";
import type { ProviderRegistry } from "../providers/provider-registry.js";
import type { ModelProvider, ProviderCall } from "../providers/provider.js";
import { checkIdentifiers, checkTaskId } from "../routing/identifier-limits.js";
import { prepareCall } from "../routing/prepare-call.js";
import { answerOnce, failedItem, streamAnswer, type AnswerScope, type AnswerSummary } from "./answer.js";
import { runBatch } from "./run-batch.js";

export interface ModelServiceDeps {
  readonly registry: ProviderRegistry;
  readonly batchConcurrency: number;
  readonly maxBatchItems: number;
  /** Accept requests with an empty org_id or user_id. */
  readonly allowEmptyTenant: boolean;
  /** One provider call per retried call. */
  readonly sharedCalls: SharedCalls;
  /** Removes configured secrets from text sent to callers. */
  readonly redact: (text: string) => string;
}

export type ModelServiceContext = CallScope & Authenticated & ConnectionWatch;

const NO_TASKS = "this server runs no asynchronous tasks";

// A batch item's answer as a message source: setup errors in-band too.
async function* oneAnswer(provider: ModelProvider, call: ProviderCall, scope: AnswerScope): AsyncGenerator<ModelResponseItem> {
  yield await answerOnce(provider, call, scope, { statusErrors: "in-band" });
}

export function createModelService(deps: ModelServiceDeps): ModelServiceImplementation<ModelServiceContext> {
  // Routing + provider lookup; a ServerError (INVALID_ARGUMENT, FAILED_PRECONDITION) when it fails.
  const route = (item: ModelRequestItem, stream: boolean, signal: AbortSignal, logFields: Record<string, unknown>) => {
    const prepared = prepareCall(item, deps.registry.googleDefault);
    Object.assign(logFields, {
      provider: prepared.provider,
      channel: prepared.channel,
      invoke_type: prepared.invokeType,
      backend: prepared.backend,
      ...(prepared.model === undefined ? {} : { model: prepared.model }),
      stream,
      org_id: item.orgId,
      user_id: item.userId,
      ...(item.clientType ? { client_type: item.clientType } : {}),
    });
    const call: ProviderCall = { ...prepared, stream, signal };
    return { provider: deps.registry.providerFor(prepared.backend), call };
  };

  // Retries of a call carry its request id: only a caller's own id can be shared.
  const keyOf = (context: ModelServiceContext, item: ModelRequestItem, identity: Pick<DedupIdentity, "method" | "item">) =>
    context.requestIdFromCaller
      ? dedupKey({ ...identity, orgId: item.orgId, userId: item.userId, requestId: context.requestId }, item)
      : undefined;
  const attemptOf = (context: CallContext & ModelServiceContext, logFields: Record<string, unknown>): Attempt => ({
    signal: context.signal,
    lostConnection: context.lostConnection,
    requestId: context.requestId,
    logFields,
  });

  return {
    async *invoke(request, context) {
      checkIdentifiers(request);
      checkTenant(context.tenant, request, { allowEmpty: deps.allowEmptyTenant });
      const { provider, call } = route(request, request.stream, context.signal, context.logFields);
      const scope = { requestId: context.requestId, redact: deps.redact, summary: context.logFields as AnswerSummary };
      yield* deps.sharedCalls.messages(keyOf(context, request, { method: "invoke" }), attemptOf(context, context.logFields), (signal) =>
        streamAnswer(provider, { ...call, signal }, scope),
      );
    },

    async batchInvoke(request, context) {
      if (request.items.length > deps.maxBatchItems) {
        throw invalidArgument(`items: a batch holds at most ${deps.maxBatchItems} items, this one has ${request.items.length}`);
      }
      request.items.forEach((item, index) => checkIdentifiers(item, `items.${index}.`));
      request.items.forEach((item, index) => checkTenant(context.tenant, item, { where: `batch item ${index}`, allowEmpty: deps.allowEmptyTenant }));
      let failed = 0;
      // Every item is answered whole: a batch reply is one message, so an item's `stream` flag has no effect.
      const items = await runBatch(
        request.items,
        { concurrency: deps.batchConcurrency, signal: context.signal },
        async (item, index): Promise<ModelResponseItem> => {
          const scope = { requestId: context.requestId, customId: item.customId, redact: deps.redact, summary: {} };
          let answer: ModelResponseItem | undefined;
          try {
            const { provider, call } = route(item, false, context.signal, {});
            const key = keyOf(context, item, { method: "batch", item: item.customId ?? `#${index}` });
            for await (const message of deps.sharedCalls.messages(key, attemptOf(context, {}), (signal) => oneAnswer(provider, { ...call, signal }, scope))) {
              answer = message;
            }
            answer ??= failedItem("the model server produced no answer for this item", scope);
          } catch (error) {
            if (!(error instanceof ServerError)) throw error;
            answer = failedItem(inBandText(error), scope);
          }
          if (answer.error) failed++;
          return answer;
        },
      );
      Object.assign(context.logFields, { items: items.length, failed_items: failed });
      return { requestId: context.requestId, items };
    },

    // Honest answers: no task is ever created here, so none can be found.
    async getTaskStatus(request) {
      checkTaskId(request.taskId, "task_id");
      throw new ServerError(Status.NOT_FOUND, `no task ${quoted(request.taskId)}: ${NO_TASKS}`);
    },

    async batchGetTaskStatus(request) {
      if (request.taskIds.length > deps.maxBatchItems) {
        throw invalidArgument(`task_ids: at most ${deps.maxBatchItems} per call, this one has ${request.taskIds.length}`);
      }
      request.taskIds.forEach((taskId, index) => checkTaskId(taskId, `task_ids.${index}`));
      const tasks = request.taskIds.map(
        (taskId): Partial<GetTaskStatusResponse> => ({ taskId, status: "failed", errorMessage: `task not found: ${NO_TASKS}` }),
      );
      return { tasks };
    },
  };
}
