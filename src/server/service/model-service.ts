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
import type { Authenticated } from "../auth/authenticate.js";
import type { CallScope } from "../grpc/call-scope.js";
import type { ConnectionWatch } from "../grpc/connection-watch.js";
import { inBandText, invalidArgument, setRetryTrailers, statusErrorOf } from "../grpc/status-errors.js";
import type { ProviderRegistry } from "../providers/provider-registry.js";
import type { ModelProvider, ProviderCall } from "../providers/provider.js";
import { checkIdentifiers, checkTaskId } from "../routing/identifier-limits.js";
import { type PreparedCall, prepareCall } from "../routing/prepare-call.js";
import type { CallbackAllowList } from "../callbacks/callback-allow-list.js";
import { createdTaskAnswer, newTaskId, type TaskRecord, toWireTask } from "../tasks/task-record.js";
import type { TaskStore } from "../tasks/task-store.js";
import type { ServerTelemetry, TraceScope } from "../telemetry/server-telemetry.js";
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
  /** Wraps a provider in the call's telemetry (a span and metrics per provider request). */
  readonly traced: ServerTelemetry["traced"];
  readonly tasks: TaskServiceDeps;
}

/** What the service needs for asynchronous tasks. */
export interface TaskServiceDeps {
  readonly store: TaskStore;
  /** Undefined when no webhook secret is set: then no callback is accepted. */
  readonly callbacks: CallbackAllowList | undefined;
  readonly now: () => number;
}

export type ModelServiceContext = CallScope & TraceScope & Authenticated & ConnectionWatch;
type HandlerContext = ModelServiceContext & CallContext;

const notFound = (taskId: string) => `no task ${quoted(taskId)} for this tenant (it may have expired)`;

// A batch item's answer as a message source: setup errors in-band too.
async function* oneAnswer(provider: ModelProvider, call: ProviderCall, scope: AnswerScope): AsyncGenerator<ModelResponseItem> {
  yield await answerOnce(provider, call, scope, { statusErrors: "in-band" });
}

export function createModelService(deps: ModelServiceDeps): ModelServiceImplementation<ModelServiceContext> {
  // Routing + provider lookup; a ServerError (INVALID_ARGUMENT) or a ProviderSetupError when it fails.
  const route = (item: ModelRequestItem, stream: boolean, context: HandlerContext, logFields: Record<string, unknown>) => {
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
    const call: ProviderCall = { ...prepared, stream, signal: context.signal };
    const provider: ModelProvider = deps.traced(deps.registry.providerFor(prepared.backend), context.traceContext);
    return { provider, call, prepared };
  };

  // Stores a task for a routed request and answers with it; the work runs in the background.
  const submitTask = async (item: ModelRequestItem, prepared: PreparedCall, requestId: string, customId?: string) => {
    const callbackUrl = prepared.task?.callbackUrl;
    if (callbackUrl !== undefined) {
      const refusal = deps.tasks.callbacks
        ? deps.tasks.callbacks.refusal(callbackUrl)
        : "this server sends no callbacks: it has no webhook secret (setting webhookSecret)";
      if (refusal) throw invalidArgument(`extra.callback_url: ${refusal}`);
    }
    const record: TaskRecord = {
      id: newTaskId(),
      orgId: item.orgId,
      userId: item.userId,
      provider: prepared.provider,
      channel: prepared.channel,
      invokeType: prepared.invokeType,
      model: prepared.model ?? "",
      createdAt: deps.tasks.now(),
      status: "processing",
      callbackUrl,
    };
    await deps.tasks.store.submit({ record, request: { ...item, stream: false, priority: undefined, customId: undefined } });
    return { record, answer: createdTaskAnswer(record, requestId, customId) };
  };

  // A task is readable by the tenant that created it only; to anyone else it does not exist.
  const findTask = async (taskId: string, tenant: ModelServiceContext["tenant"]) => {
    const record = await deps.tasks.store.get(taskId);
    if (!record) return undefined;
    if (tenant && (tenant.orgId !== record.orgId || tenant.userId !== record.userId)) return undefined;
    return record;
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
      const { provider, call, prepared } = route(request, request.stream, context, context.logFields);
      const key = keyOf(context, request, { method: "invoke" });
      const attempt = attemptOf(context, context.logFields);
      if (prepared.task) {
        // A retried submission gets the task its first attempt created, not a second one.
        yield* deps.sharedCalls.messages(key, attempt, async function* () {
          const { record, answer } = await submitTask(request, prepared, context.requestId);
          context.logFields["task_id"] = record.id;
          yield answer;
        });
        return;
      }
      const scope = {
        requestId: context.requestId,
        redact: deps.redact,
        summary: context.logFields as AnswerSummary,
        onRetryAfter: (ms: number, error: string) => {
          setRetryTrailers(context.trailer, ms, error);
          context.logFields["retry_after_ms"] = ms;
        },
      };
      yield* deps.sharedCalls.messages(key, attempt, (signal) => streamAnswer(provider, { ...call, signal }, scope));
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
            const { provider, call, prepared } = route(item, false, context, {});
            const key = keyOf(context, item, { method: "batch", item: item.customId ?? `#${index}` });
            const source = prepared.task
              ? async function* () {
                  yield (await submitTask(item, prepared, context.requestId, item.customId)).answer;
                }
              : (signal: AbortSignal) => oneAnswer(provider, { ...call, signal }, scope);
            for await (const message of deps.sharedCalls.messages(key, attemptOf(context, {}), source)) answer = message;
            answer ??= failedItem("the model server produced no answer for this item", scope);
          } catch (error) {
            const status = statusErrorOf(error);
            if (!status) throw error;
            answer = failedItem(inBandText(status), scope);
          }
          if (answer.error) failed++;
          return answer;
        },
      );
      Object.assign(context.logFields, { items: items.length, failed_items: failed });
      return { requestId: context.requestId, items };
    },

    async getTaskStatus(request, context) {
      checkTaskId(request.taskId, "task_id");
      const record = await findTask(request.taskId, context.tenant);
      if (!record) throw new ServerError(Status.NOT_FOUND, notFound(request.taskId));
      Object.assign(context.logFields, { task_id: record.id, status: record.status });
      return toWireTask(record);
    },

    async batchGetTaskStatus(request, context) {
      if (request.taskIds.length > deps.maxBatchItems) {
        throw invalidArgument(`task_ids: at most ${deps.maxBatchItems} ids per call, this one has ${request.taskIds.length}`);
      }
      request.taskIds.forEach((taskId, index) => {
        if (taskId !== "") checkTaskId(taskId, `task_ids.${index}`);
      });
      const tasks = await Promise.all(
        request.taskIds.map(async (taskId): Promise<Partial<GetTaskStatusResponse>> => {
          const record = taskId === "" ? undefined : await findTask(taskId, context.tenant);
          return record ? toWireTask(record) : { taskId, status: "failed", errorMessage: `task not found: ${notFound(taskId)}` };
        }),
      );
      Object.assign(context.logFields, { tasks: tasks.length });
      return { tasks };
    },
  };
}
