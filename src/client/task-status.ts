import type { GetTaskStatusResponse } from "../gen/model_service/model_service.js";
import type { UserContext } from "../schemas/user-context.js";
import { type CallOptions, withCall } from "./internal/call.js";
import { MAX_IDENTIFIER_CHARS } from "../internal/bounded-text.js";
import { InternalError, ValidationError } from "./errors.js";
import { refuseFallbacks } from "./fallback.js";
import type { ModelClient } from "./model-client.js";

/** The states of an asynchronous task, as the Model Manager reports them. */
export const TASK_STATES = ["processing", "completed", "failed"] as const;

/** `processing` until the task ends, then `completed` or `failed`. */
export type TaskState = (typeof TASK_STATES)[number];

/**
 * State of an asynchronous task (the Python SDK's `TaskStatusResponse`).
 * Empty wire strings are left out.
 */
export interface TaskStatus {
  taskId: string;
  status: TaskState;
  provider?: string;
  channel?: string;
  invokeType?: string;
  model?: string;
  createdAt?: Date;
  /** When the task ended; absent while it is processing. */
  completedAt?: Date;
  /**
   * The result, parsed from JSON: the provider's answer for a completed task
   * (video tasks: the video's URL or bytes, see docs/wire-protocol.md). A
   * result that is not a JSON object is kept as `{ raw: <text> }`, as the
   * Python SDK does.
   */
  resultData?: Record<string, unknown>;
  /** Why the task failed. */
  errorMessage?: string;
}

/** Options of the task status calls. */
export interface TaskStatusOptions extends CallOptions {
  /** The tenant that created the task: the JWT is signed for it (another tenant's task is not found). */
  userContext?: UserContext;
}

/** True for a task state the Model Manager defines. */
export const isTaskState = (value: unknown): value is TaskState => (TASK_STATES as readonly unknown[]).includes(value);

function wireDate(task: GetTaskStatusResponse, key: "createdAt" | "completedAt"): Date | undefined {
  const text = task[key];
  if (!text) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new InternalError(`The server sent ${key} ${JSON.stringify(text)} for task ${task.taskId}, which is not a timestamp`);
  }
  return date;
}

/** Maps a wire task to a {@link TaskStatus}; a state outside the protocol is an InternalError. */
export function toTaskStatus(task: GetTaskStatusResponse): TaskStatus {
  if (!isTaskState(task.status)) {
    throw new InternalError(
      `The server sent status ${JSON.stringify(task.status)} for task ${task.taskId}; the protocol knows ${TASK_STATES.join(", ")}`,
    );
  }
  const status: TaskStatus = { taskId: task.taskId, status: task.status };
  for (const key of ["provider", "channel", "invokeType", "model", "errorMessage"] as const) {
    if (task[key]) status[key] = task[key];
  }
  const createdAt = wireDate(task, "createdAt");
  if (createdAt) status.createdAt = createdAt;
  const completedAt = wireDate(task, "completedAt");
  if (completedAt) status.completedAt = completedAt;
  if (task.resultData) status.resultData = parseResultData(task.resultData);
  return status;
}

function parseResultData(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // not JSON: kept raw below
  }
  return { raw: text };
}

function taskIdIssue(id: unknown): string | undefined {
  if (typeof id !== "string" || id === "") return "must be a non-empty string";
  if (id.length > MAX_IDENTIFIER_CHARS) return `must be at most ${MAX_IDENTIFIER_CHARS} characters, got ${id.length}`;
  return undefined;
}

function checkIds(taskIds: unknown): void {
  if (!Array.isArray(taskIds)) throw new ValidationError([{ path: "taskIds", message: "must be an array of task ids" }]);
  const issues = taskIds.flatMap((id: unknown, index) => {
    const issue = taskIdIssue(id);
    return issue ? [{ path: `taskIds.${index}`, message: issue }] : [];
  });
  if (issues.length > 0) throw new ValidationError(issues);
}

/**
 * Reads the state of one asynchronous task. A task that does not exist, has
 * expired or belongs to another tenant is a NotFoundError.
 */
export async function getTaskStatus(client: ModelClient, taskId: string, options: TaskStatusOptions = {}): Promise<TaskStatus> {
  const issue = taskIdIssue(taskId);
  if (issue) throw new ValidationError([{ path: "taskId", message: issue }]);
  refuseFallbacks(options, "getTaskStatus");
  const { userContext, ...callOptions } = options;
  const task = await withCall(client, callOptions, userContext, (call) =>
    client.service.getTaskStatus({ taskId }, call.options),
  );
  return toTaskStatus(task);
}

/**
 * Reads the states of several asynchronous tasks, one per id in the order
 * given. Unknown ids come back as `failed` with the server's reason.
 */
export async function batchGetTaskStatus(
  client: ModelClient,
  taskIds: readonly string[],
  options: TaskStatusOptions = {},
): Promise<TaskStatus[]> {
  checkIds(taskIds);
  refuseFallbacks(options, "batchGetTaskStatus");
  const { userContext, ...callOptions } = options;
  const reply = await withCall(client, callOptions, userContext, (call) =>
    client.service.batchGetTaskStatus({ taskIds: [...taskIds] }, call.options),
  );
  return reply.tasks.map(toTaskStatus);
}
