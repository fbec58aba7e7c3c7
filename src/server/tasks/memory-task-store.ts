/**
 * The default store: tasks in this process's memory, run in the background
 * here. Nothing to install; tasks end with the process.
 */
import { callbackOf } from "../callbacks/deliver-callback.js";
import type { TaskCheckpoint } from "../providers/provider.js";
import { finished, type TaskRecord, type TaskSpec } from "./task-record.js";
import type { TaskStore, TaskStoreDeps } from "./task-store.js";

// A process restart loses everything anyway; nothing needs saving.
const NO_CHECKPOINT: TaskCheckpoint = { saved: undefined, save: async () => {} };

export function createMemoryTaskStore(deps: TaskStoreDeps): TaskStore {
  const tasks = new Map<string, TaskRecord>();
  const running = new Set<Promise<void>>();
  const waiting: TaskSpec[] = [];
  const stop = new AbortController();

  const expired = (record: TaskRecord) => record.completedAt !== undefined && record.completedAt + deps.ttlMs <= deps.now();
  const sweep = () => {
    for (const [id, record] of tasks) if (expired(record)) tasks.delete(id);
  };
  // Expiry is checked on every read; the sweep only frees memory.
  const sweeper = setInterval(sweep, Math.max(1_000, Math.min(deps.ttlMs, 60_000)));
  sweeper.unref();

  async function work(spec: TaskSpec): Promise<void> {
    const outcome = await deps.run(spec, { signal: stop.signal, checkpoint: NO_CHECKPOINT });
    if (stop.signal.aborted) return;
    const record = finished(spec.record, outcome, deps.now());
    tasks.set(record.id, record);
    const callback = callbackOf(record);
    if (callback) await deps.deliver(callback, stop.signal);
  }

  const startNext = () => {
    while (running.size < deps.concurrency && waiting.length > 0 && !stop.signal.aborted) {
      const job = work(waiting.shift()!).finally(() => {
        running.delete(job);
        startNext();
      });
      running.add(job);
    }
  };

  return {
    async submit(spec) {
      if (stop.signal.aborted) throw new Error("the task store is closed");
      tasks.set(spec.record.id, spec.record);
      waiting.push(spec);
      startNext();
    },
    async get(taskId) {
      const record = tasks.get(taskId);
      if (!record) return undefined;
      if (expired(record)) {
        tasks.delete(taskId);
        return undefined;
      }
      return record;
    },
    async close() {
      clearInterval(sweeper);
      stop.abort();
      await Promise.allSettled([...running]);
    },
  };
}
