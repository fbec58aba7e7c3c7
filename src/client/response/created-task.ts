// The answer to an asynchronous Invoke: the task the server created. How an
// existing Model Manager spells it is not documented, so every plausible form
// is read (docs/wire-protocol.md, "Asynchronous tasks").
import type { ModelResponseItem } from "../../gen/model_service/model_service.js";
import { InternalError } from "../errors.js";
import { isTaskState, type TaskState } from "../task-status.js";

/** The task an asynchronous `invoke` created. */
export interface CreatedTask {
  /** Id to pass to `getTaskStatus` / `waitForTask`. */
  taskId: string;
  /** Its state when the server answered, normally `processing`. */
  status: TaskState;
  /** The call's request id. */
  requestId?: string;
  /** The server's answer, parsed (the raw text if it was not JSON). */
  rawResponse?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const idOf = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** `{ task_id }`, `{ taskId }`, or either inside a `data` envelope. */
function taskIn(value: unknown): { taskId: string; status: unknown } | undefined {
  if (!isRecord(value)) return undefined;
  const taskId = idOf(value["task_id"]) ?? idOf(value["taskId"]);
  if (taskId) return { taskId, status: value["status"] };
  return value["data"] === undefined ? undefined : taskIn(value["data"]);
}

// A bare id: one token, no spaces or braces (so an answer's text is never taken for one).
const BARE_ID = /^[\w.:/-]{1,256}$/;

/**
 * Reads the created task from an Invoke answer, in this order: `raw_response`
 * JSON with `task_id` (this project's server), `taskId`, or either under
 * `data`; then the same inside `content`; then `content` as a bare id when
 * `raw_response` is empty. Anything else is an InternalError.
 */
export function toCreatedTask(item: ModelResponseItem, requestId: string | undefined): CreatedTask {
  const raw = item.rawResponse ? parse(item.rawResponse) : undefined;
  const found =
    taskIn(raw) ??
    taskIn(item.content ? parse(item.content) : undefined) ??
    (!item.rawResponse && BARE_ID.test(item.content) ? { taskId: item.content, status: undefined } : undefined);
  const id = item.requestId || requestId;
  if (!found) {
    const shown = (item.rawResponse || item.content).slice(0, 200);
    throw new InternalError(`The server accepted an asynchronous request but named no task id in its answer: ${JSON.stringify(shown)}`, {
      requestId: id,
    });
  }
  const task: CreatedTask = { taskId: found.taskId, status: isTaskState(found.status) ? found.status : "processing" };
  if (id) task.requestId = id;
  if (item.rawResponse) task.rawResponse = raw ?? item.rawResponse;
  return task;
}
