/**
 * The reference Model Manager server: `startModelServer` runs it in-process;
 * the `tamar-model-server` binary runs it from the command line.
 */
export { startModelServer, type RunningModelServer } from "./start-model-server.js";
export type { ModelServerOptions, ServerTlsOptions } from "./config/server-config.js";
export { ModelServerConfigError } from "./config/config-error.js";
export type { ServerTelemetryOptions } from "./telemetry/server-telemetry-options.js";
export { decodeAnswer, encodeAnswer, type AnswerStore } from "./dedup/answer-store.js";
export { createMemoryAnswerStore, type MemoryAnswerStoreOptions } from "./dedup/memory-answer-store.js";
export {
  jsonLinesLogger,
  MAX_LOG_FIELD_CHARS,
  MAX_LOG_LINE_CHARS,
  silentLogger,
  type LogLevel,
  type LogRecord,
  type ServerLogger,
} from "./logging/logger.js";
export type {
  Backend,
  BinaryFile,
  ModelApi,
  ModelProvider,
  ProviderCall,
  ProviderChunk,
  UpstreamOptions,
} from "./providers/provider.js";
