import { ModelServerConfigError } from "../config/config-error.js";
import type { ServerLogger } from "../logging/logger.js";
import type { ImportModule } from "../providers/load-sdk.js";
import type { TaskStore, TaskStoreDeps } from "./task-store.js";

export interface RedisTaskStoreSettings {
  readonly url: string;
  readonly prefix: string;
  readonly lockMs: number;
  readonly importModule: ImportModule;
  readonly logger: ServerLogger;
}

export async function createRedisTaskStore(_deps: TaskStoreDeps, _settings: RedisTaskStoreSettings): Promise<TaskStore> {
  throw new ModelServerConfigError("redisUrl", "the Redis task store is not in this build yet");
}
