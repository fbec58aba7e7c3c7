/**
 * Builds the store of answers for retried calls: the one the caller passed,
 * else Redis when the server shares its stores through Redis (see
 * `sharedRedisOf`), else in this process.
 */
import type { ServerConfig } from "../config/server-config.js";
import type { ServerLogger } from "../logging/logger.js";
import type { ImportModule } from "../providers/load-sdk.js";
import { sharedRedisOf } from "../tasks/create-task-store.js";
import type { AnswerStore } from "./answer-store.js";
import type { CallClaims } from "./call-claims.js";
import { createMemoryAnswerStore } from "./memory-answer-store.js";

export interface ConfiguredAnswerStore {
  readonly store: AnswerStore;
  /** Marks of running calls shared by the replicas (only with Redis). */
  readonly claims?: CallClaims | undefined;
  close(): Promise<void>;
}

export async function createAnswerStore(
  config: Pick<ServerConfig, "dedup" | "tasks">,
  deps: { readonly given?: AnswerStore | undefined; readonly importModule: ImportModule; readonly logger: ServerLogger },
): Promise<ConfiguredAnswerStore> {
  const closeNothing = async () => {};
  if (deps.given) return { store: deps.given, close: closeNothing };
  const redis = sharedRedisOf(config.tasks);
  if (redis === undefined) return { store: createMemoryAnswerStore({ maxBytes: config.dedup.maxBytes }), close: closeNothing };
  const { createRedisAnswerStore } = await import("./redis-answer-store.js");
  const store = await createRedisAnswerStore({ ...redis, maxBytes: config.dedup.maxBytes, importModule: deps.importModule, logger: deps.logger });
  return { store, claims: store.claims, close: () => store.close() };
}
