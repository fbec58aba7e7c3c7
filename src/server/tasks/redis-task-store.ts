/**
 * Tasks shared by every replica through Redis: each task is a BullMQ job on
 * the `tasks` queue (job id = task id) and its record a JSON key beside it.
 * Any replica answers status for any task. A replica that dies mid-task
 * stops renewing the job's lock; after `lockMs` another replica's stalled
 * check puts the job back and it runs again there (following the provider
 * operation the first run checkpointed). A task completes once: the record
 * moves from `processing` to its end state in one Lua script, and only the
 * run that made that move counts. Callbacks are jobs on the `callbacks`
 * queue whose job id is the webhook id, so they are delivered at least once,
 * always with the same id, by whichever replica is alive.
 *
 * `bullmq` and `ioredis` are optional dependencies, loaded only here.
 */
import { ModelServerConfigError } from "../config/config-error.js";
import { reachRedis } from "../redis/reach-redis.js";
import { callbackOf, type CallbackDelivery } from "../callbacks/deliver-callback.js";
import type { ServerLogger } from "../logging/logger.js";
import type { ImportModule } from "../providers/load-sdk.js";
import { finished, type TaskRecord, type TaskSpec } from "./task-record.js";
import type { TaskStore, TaskStoreDeps } from "./task-store.js";

type BullMQ = typeof import("bullmq");
type IORedisModule = typeof import("ioredis");
type RedisClient = InstanceType<IORedisModule["Redis"]>;

export interface RedisTaskStoreSettings {
  readonly url: string;
  /** Prefix of every key (BullMQ's queues and the task records). */
  readonly prefix: string;
  readonly lockMs: number;
  readonly importModule: ImportModule;
  readonly logger: ServerLogger;
}

/** A job of the `tasks` queue: the task and, once its provider operation started, how to find it again. */
interface TaskJobData extends TaskSpec {
  readonly checkpoint?: unknown;
}

// A processing record outlives any sane task; it only guards against a record
// left behind when every replica stopped for good.
const PROCESSING_RECORD_TTL_MS = 7 * 86_400_000;
// How many times a task may be taken over from a replica that died.
const MAX_TAKEOVERS = 5;
// Delivered callback jobs are kept this long, so a late duplicate add is ignored.
const DELIVERED_CALLBACK_KEEP_S = 3_600;

// Moves a record from processing to its end state; returns 1 only for the run that did it.
const COMPLETE_ONCE = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
if cjson.decode(current).status ~= 'processing' then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

async function load<T>(importModule: ImportModule, name: string): Promise<T> {
  try {
    return (await importModule(name)) as T;
  } catch (error) {
    throw new ModelServerConfigError(
      "redisUrl",
      `the Redis task store needs the optional packages "bullmq" and "ioredis" (run \`npm install bullmq ioredis\` next to the server): ${(error as Error).message}`,
    );
  }
}

export async function createRedisTaskStore(deps: TaskStoreDeps, settings: RedisTaskStoreSettings): Promise<TaskStore> {
  const { Queue, Worker, WaitingError } = await load<BullMQ>(settings.importModule, "bullmq");
  const { Redis } = await load<IORedisModule>(settings.importModule, "ioredis");
  const { prefix, logger } = settings;
  const connect = (): RedisClient => {
    const client = new Redis(settings.url, { maxRetriesPerRequest: null, lazyConnect: true });
    // ioredis reconnects by itself; without a listener it would print every failure.
    client.on("error", (error: Error) => logger({ level: "warn", msg: "redis connection error", error: error.message }));
    return client;
  };
  const redis = connect();
  await reachRedis(redis);
  const recordKey = (taskId: string) => `${prefix}:task:${taskId}`;
  const queueOptions = { connection: redis, prefix };
  const tasks = new Queue<TaskJobData>("tasks", queueOptions);
  const callbacks = new Queue<CallbackDelivery>("callbacks", queueOptions);
  const stop = new AbortController();

  const readRecord = async (taskId: string): Promise<TaskRecord | undefined> => {
    const text = await redis.get(recordKey(taskId));
    return text === null ? undefined : (JSON.parse(text) as TaskRecord);
  };

  // Idempotent: a second add with the same job id (the webhook id) is ignored while the first is kept.
  const queueCallback = async (record: TaskRecord) => {
    const callback = callbackOf(record);
    if (!callback) return;
    await callbacks.add("callback", callback, {
      jobId: callback.webhookId,
      removeOnComplete: { age: DELIVERED_CALLBACK_KEEP_S },
      removeOnFail: { age: DELIVERED_CALLBACK_KEEP_S },
    });
  };

  const workerConnections = [connect(), connect()] as const;
  const workerOptions = {
    prefix,
    lockDuration: settings.lockMs,
    stalledInterval: settings.lockMs,
    maxStalledCount: MAX_TAKEOVERS,
  };

  const taskWorker = new Worker<TaskJobData>(
    "tasks",
    async (job, token) => {
      const taskId = job.data.record.id;
      const current = await readRecord(taskId);
      // Finished by an earlier run that died before queueing the callback: queue it now.
      if (current && current.status !== "processing") {
        await queueCallback(current);
        return;
      }
      logger({ level: "info", msg: "task started", task_id: taskId, run: job.attemptsStarted, resumed: job.data.checkpoint !== undefined });
      const checkpoint = {
        saved: job.data.checkpoint,
        save: (state: unknown) => job.updateData({ ...job.data, checkpoint: state }),
      };
      let outcome;
      try {
        outcome = await deps.run(job.data, { signal: stop.signal, checkpoint });
      } catch (error) {
        if (!stop.signal.aborted) throw error;
        // This replica is shutting down: hand the task to another one at once.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      const record = finished(job.data.record, outcome, deps.now());
      const won = (await redis.eval(COMPLETE_ONCE, 1, recordKey(taskId), JSON.stringify(record), String(deps.ttlMs))) === 1;
      logger({ level: "info", msg: won ? "task finished" : "task already finished by another run", task_id: taskId, status: record.status });
      const final = won ? record : await readRecord(taskId);
      if (final) await queueCallback(final);
    },
    { ...workerOptions, connection: workerConnections[0], concurrency: deps.concurrency },
  );

  const callbackWorker = new Worker<CallbackDelivery>(
    "callbacks",
    async (job, token) => {
      await deps.deliver(job.data, stop.signal);
      if (stop.signal.aborted) {
        await job.moveToWait(token);
        throw new WaitingError();
      }
    },
    { ...workerOptions, connection: workerConnections[1], concurrency: deps.concurrency },
  );
  for (const worker of [taskWorker, callbackWorker]) {
    worker.on("error", (error) => logger({ level: "warn", msg: "task queue error", error: String(error) }));
  }
  callbackWorker.on("failed", (job, error) => logger({ level: "error", msg: "callback job failed", job_id: job?.id, error: String(error) }));
  // A task job fails for good when it stalled more than MAX_TAKEOVERS times (or its run threw): its record says so.
  taskWorker.on("failed", (job, error) => {
    logger({ level: "error", msg: "task job failed", job_id: job?.id, error: String(error) });
    if (!job) return;
    const record = finished(job.data.record, { status: "failed", errorMessage: `the task could not be run: ${error.message}` }, deps.now());
    void redis.eval(COMPLETE_ONCE, 1, recordKey(record.id), JSON.stringify(record), String(deps.ttlMs)).catch(() => {});
  });

  return {
    async submit(spec) {
      await redis.set(recordKey(spec.record.id), JSON.stringify(spec.record), "PX", PROCESSING_RECORD_TTL_MS);
      await tasks.add("task", spec, { jobId: spec.record.id, removeOnComplete: true, removeOnFail: { age: DELIVERED_CALLBACK_KEEP_S } });
    },
    async get(taskId) {
      const record = await readRecord(taskId);
      if (!record) return undefined;
      if (record.completedAt !== undefined && record.completedAt + deps.ttlMs <= deps.now()) return undefined;
      return record;
    },
    async close() {
      stop.abort();
      await Promise.allSettled([taskWorker.close(), callbackWorker.close()]);
      await Promise.allSettled([tasks.close(), callbacks.close()]);
      for (const client of [redis, ...workerConnections]) client.disconnect();
    },
  };
}
