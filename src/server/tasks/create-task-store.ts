/**
 * Builds the configured task store: Redis (BullMQ) when a Redis URL is set,
 * else in memory. The Redis store's packages are loaded only then, so an
 * in-memory server needs neither installed.
 */
import { deliverCallback } from "../callbacks/deliver-callback.js";
import { webhookKey } from "../callbacks/webhook-signature.js";
import type { TaskSettings } from "../config/server-config.js";
import type { ServerLogger } from "../logging/logger.js";
import type { ImportModule } from "../providers/load-sdk.js";
import { createMemoryTaskStore } from "./memory-task-store.js";
import type { TaskRunner, TaskStore, TaskStoreDeps } from "./task-store.js";

export interface CreateTaskStoreDeps {
  readonly run: TaskRunner;
  readonly now: () => number;
  readonly logger: ServerLogger;
  readonly importModule: ImportModule;
}

// How long one callback attempt may take, and the longest pause between two.
const ATTEMPT_TIMEOUT_MS = 15_000;
const MAX_RETRY_DELAY_MS = 300_000;

/**
 * The Redis every shared store of the server uses (tasks, answers of retried
 * calls), from the configuration: undefined keeps them all in this process.
 */
export function sharedRedisOf(settings: TaskSettings): { readonly url: string; readonly prefix: string } | undefined {
  return settings.redisUrl === undefined ? undefined : { url: settings.redisUrl, prefix: settings.redisKeyPrefix };
}

export async function createTaskStore(settings: TaskSettings, deps: CreateTaskStoreDeps): Promise<TaskStore> {
  const key = settings.webhookSecret === undefined ? undefined : webhookKey(settings.webhookSecret);
  const storeDeps: TaskStoreDeps = {
    run: deps.run,
    now: deps.now,
    ttlMs: settings.ttlMs,
    concurrency: settings.concurrency,
    // Callbacks are accepted only with a secret (the service checks), so a delivery without a key cannot arise.
    deliver: (delivery, signal) =>
      key === undefined
        ? Promise.resolve(false)
        : deliverCallback(
            delivery,
            {
              key,
              allowList: settings.callbackAllowList,
              retryWindowMs: settings.callbackRetryWindowMs,
              retryBaseMs: settings.callbackRetryBaseMs,
              maxRetryDelayMs: MAX_RETRY_DELAY_MS,
              attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
              logger: deps.logger,
            },
            signal,
          ),
  };
  const redis = sharedRedisOf(settings);
  if (redis === undefined) return createMemoryTaskStore(storeDeps);
  const { createRedisTaskStore } = await import("./redis-task-store.js");
  return createRedisTaskStore(storeDeps, {
    ...redis,
    lockMs: settings.lockMs,
    importModule: deps.importModule,
    logger: deps.logger,
  });
}
