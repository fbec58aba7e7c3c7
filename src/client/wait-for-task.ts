import { CancelledError, TaskTimeoutError, ValidationError } from "./errors.js";
import { isAbortError } from "../internal/abort-error.js";
import { sleep } from "./internal/abort.js";
import { backoffDelayMs } from "./middleware/stream-retry.js";
import type { ModelClient } from "./model-client.js";
import { getTaskStatus, type TaskStatus, type TaskStatusOptions } from "./task-status.js";

/** Options of {@link waitForTask}. */
export interface WaitForTaskOptions {
  /** Stops waiting (and the status call in flight) when aborted; `waitForTask` then throws a CancelledError. */
  signal?: AbortSignal;
  /** Gives up with a TaskTimeoutError after this long, ms. Default: wait until the task ends. */
  timeoutMs?: number;
  /** First pause between two status reads, ms; it doubles up to `maxPollIntervalMs`, with jitter. Default 1000. */
  pollIntervalMs?: number;
  /** Longest pause between two status reads, ms. Default 15000. */
  maxPollIntervalMs?: number;
  /** The tenant that created the task: the status calls' JWT is signed for it (another tenant's task is not found). */
  userContext?: TaskStatusOptions["userContext"];
  /** Called with every status read, e.g. to show progress. */
  onStatus?: (status: TaskStatus) => void;
}

function positive(name: string, value: number | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new ValidationError([{ path: name, message: `must be a positive number of milliseconds, got ${value}` }]);
  }
  return value;
}

/**
 * Polls a task until it ends and returns its final state: `completed`
 * (with `resultData`) or `failed` (with `errorMessage`) — check `status`.
 * Pauses grow from `pollIntervalMs` to `maxPollIntervalMs` with jitter, so
 * many waiters do not poll in step. A status read that fails with a
 * retryable error is tried again at the next poll; any other error (a
 * NotFoundError for an expired task or another tenant's) is thrown.
 *
 * @example
 * const task = await invoke(client, { ...videoRequest, enableAsyncTask: true });
 * const done = await waitForTask(client, task.taskId, { timeoutMs: 10 * 60_000 });
 * if (done.status === "failed") throw new Error(done.errorMessage);
 */
export async function waitForTask(client: ModelClient, taskId: string, options: WaitForTaskOptions = {}): Promise<TaskStatus> {
  const firstMs = positive("pollIntervalMs", options.pollIntervalMs, 1_000)!;
  const maxMs = Math.max(firstMs, positive("maxPollIntervalMs", options.maxPollIntervalMs, 15_000)!);
  const timeoutMs = positive("timeoutMs", options.timeoutMs, undefined);
  const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
  const timedOut = new AbortController();
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => timedOut.abort(), timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timedOut.signal]) : timedOut.signal;
  const stop = () => (options.signal?.aborted ? new CancelledError(`Waiting for task ${taskId} was cancelled`) : new TaskTimeoutError(taskId, timeoutMs!));
  try {
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw stop();
      try {
        const remaining = deadline === undefined ? undefined : Math.max(1, deadline - Date.now());
        const status = await getTaskStatus(client, taskId, {
          signal,
          ...(remaining === undefined ? {} : { timeoutMs: remaining }),
          ...(options.userContext ? { userContext: options.userContext } : {}),
        });
        options.onStatus?.(status);
        if (status.status !== "processing") return status;
      } catch (error) {
        if (signal.aborted) throw stop();
        if (!(error instanceof Error && "retryable" in error && error.retryable === true)) throw error;
      }
      try {
        await sleep(backoffDelayMs(attempt, firstMs, maxMs), signal);
      } catch (error) {
        if (isAbortError(error)) throw stop();
        throw error;
      }
    }
  } finally {
    clearTimeout(timer);
  }
}
