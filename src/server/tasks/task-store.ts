/**
 * Where tasks live and run. Two stores implement it: in memory (one process)
 * and Redis through BullMQ (any number of replicas).
 */
import type { TaskCheckpoint } from "../providers/provider.js";
import type { CallbackDelivery } from "../callbacks/deliver-callback.js";
import type { TaskOutcome, TaskRecord, TaskSpec } from "./task-record.js";

/** Runs the work of one task; never throws for a provider failure (that is a `failed` outcome). */
export type TaskRunner = (spec: TaskSpec, context: { readonly signal: AbortSignal; readonly checkpoint: TaskCheckpoint }) => Promise<TaskOutcome>;

/** What a store is given. */
export interface TaskStoreDeps {
  readonly run: TaskRunner;
  /**
   * Delivers a finished task's callback (with its retries); resolves false
   * when it gave up. The signal aborts when the store closes. Never throws.
   */
  readonly deliver: (delivery: CallbackDelivery, signal: AbortSignal) => Promise<boolean>;
  /** How long a finished task stays readable, ms. */
  readonly ttlMs: number;
  /** Tasks this process runs at the same time; the rest wait their turn. */
  readonly concurrency: number;
  /** The clock (epoch ms); tests move it. */
  readonly now: () => number;
}

export interface TaskStore {
  /** Records a new task (status `processing`) and queues its work; resolves once the task is stored. */
  submit(spec: TaskSpec): Promise<void>;
  /** The task, or undefined when it does not exist or has expired. */
  get(taskId: string): Promise<TaskRecord | undefined>;
  /** Stops taking work; work in flight is aborted (a shared store hands it to another replica). */
  close(): Promise<void>;
}
