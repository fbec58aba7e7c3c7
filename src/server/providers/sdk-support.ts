/** What the SDK-backed provider modules share. */
import type { LogLevel, ServerLogger } from "../logging/logger.js";
import type { ImportModule } from "./load-sdk.js";
import type { ProviderCall } from "./provider.js";

/** Dependencies of every SDK-backed provider module. */
export interface SdkProviderDeps {
  readonly importModule: ImportModule;
  /** Retries inside the SDK of a failed upstream request. */
  readonly maxRetries: number;
  readonly logger: ServerLogger;
}

/** Per-request options in the shape the openai and Anthropic SDKs share (both Stainless-generated). */
export interface StainlessRequestOptions {
  signal: AbortSignal;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  timeout?: number;
}

/** The request options of one call: its abort signal plus the caller's upstream HTTP options. */
export function stainlessRequestOptions(call: ProviderCall): StainlessRequestOptions {
  const options: StainlessRequestOptions = { signal: call.signal };
  if (call.upstream.headers) options.headers = { ...call.upstream.headers };
  if (call.upstream.query) options.query = { ...call.upstream.query };
  if (call.upstream.timeoutMs !== undefined) options.timeout = call.upstream.timeoutMs;
  return options;
}

/**
 * The `logger` option of the openai and Anthropic SDKs, routed into the
 * server's log. Only the message travels: the SDKs' extra arguments can hold
 * request options, headers included.
 */
export function sdkLogger(logger: ServerLogger, source: string): Record<LogLevel, (message: string) => void> {
  const write = (level: LogLevel) => (message: string) => logger({ level, msg: "provider sdk", source, detail: String(message) });
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}
