import type { GetTaskStatusResponse } from "../gen/model_service/model_service.js";
import type { UserContext } from "../schemas/user-context.js";
import { type CallOptions, withCall } from "./internal/call.js";
import { MAX_IDENTIFIER_CHARS } from "../internal/bounded-text.js";
import { ValidationError } from "./errors.js";
import type { ModelClient } from "./model-client.js";

/** State of an asynchronous task. Empty wire strings are left out. */
export interface TaskStatus {
  taskId: string;
  /** `processing`, `completed` or `failed`. */
  status: string;
  provider?: string;
  channel?: string;
  invokeType?: string;
  model?: string;
  createdAt?: string;
  completedAt?: string;
  /** The result, parsed from JSON (the raw text if it was not JSON). */
  resultData?: unknown;
  errorMessage?: string;
}

/** Options of the task status calls: the tenant to sign the JWT for. */
export interface TaskStatusOptions extends CallOptions {
  userContext?: UserContext;
}

function toTaskStatus(task: GetTaskStatusResponse): TaskStatus {
  const status: TaskStatus = { taskId: task.taskId, status: task.status };
  for (const key of ["provider", "channel", "invokeType", "model", "createdAt", "completedAt", "errorMessage"] as const) {
    if (task[key]) status[key] = task[key];
  }
  if (task.resultData) {
    try {
      status.resultData = JSON.parse(task.resultData);
    } catch {
      status.resultData = task.resultData;
    }
  }
  return status;
}

function checkIds(taskIds: unknown[]): void {
  const issues = taskIds.flatMap((id, index) => {
    if (typeof id !== "string" || id === "") return [{ path: `taskIds.${index}`, message: "must be a non-empty string" }];
    if (id.length > MAX_IDENTIFIER_CHARS) {
      return [{ path: `taskIds.${index}`, message: `must be at most ${MAX_IDENTIFIER_CHARS} characters, got ${id.length}` }];
    }
    return [];
  });
  if (issues.length > 0) throw new ValidationError(issues);
}

/** Reads the state of one asynchronous task. */
export async function getTaskStatus(client: ModelClient, taskId: string, options: TaskStatusOptions = {}): Promise<TaskStatus> {
  checkIds([taskId]);
  const { userContext, ...callOptions } = options;
  const task = await withCall(client, callOptions, userContext, (call) =>
    client.service.getTaskStatus({ taskId }, call.options),
  );
  return toTaskStatus(task);
}

/** Reads the states of several asynchronous tasks. */
export async function batchGetTaskStatus(
  client: ModelClient,
  taskIds: string[],
  options: TaskStatusOptions = {},
): Promise<TaskStatus[]> {
  checkIds(taskIds);
  const { userContext, ...callOptions } = options;
  const reply = await withCall(client, callOptions, userContext, (call) =>
    client.service.batchGetTaskStatus({ taskIds }, call.options),
  );
  return reply.tasks.map(toTaskStatus);
}
