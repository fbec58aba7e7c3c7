import type { LogLevel, ServerLogger } from "../logging/logger.js";

/**
 * The `logger` option of the openai and Anthropic SDKs, routed into the
 * server's log. Only the message travels: the SDKs' extra arguments can hold
 * request options, headers included.
 */
export function sdkLogger(logger: ServerLogger, source: string): Record<LogLevel, (message: string) => void> {
  const write = (level: LogLevel) => (message: string) => logger({ level, msg: "provider sdk", source, detail: String(message) });
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}
