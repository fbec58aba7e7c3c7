/**
 * Structured logs: one flat record per event. The server never puts prompt
 * text, tokens or secrets into a record, and redacts configured secrets from
 * every string it logs, in case a provider echoes one back.
 */

import type { Logger } from "../../client/middleware/logging.js";

/** Severity of a log record. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** One log event: a message plus flat fields (request_id, method, duration_ms, …). */
export interface LogRecord {
  readonly level: LogLevel;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** Receives the server's log records. */
export type ServerLogger = (record: LogRecord) => void;

/** A pino-shaped logger (pino itself): the client's `Logger`, each method taking fields, then a message. */
export type StructuredLogger = Logger;

/** The server's logger for either shape: a record function, or a pino-shaped logger. */
export function toServerLogger(logger: ServerLogger | StructuredLogger | undefined): ServerLogger {
  if (logger === undefined) return silentLogger;
  if (typeof logger === "function") return logger;
  if (LOG_METHODS.some((level) => typeof (logger as unknown as Record<string, unknown>)[level] !== "function")) {
    throw new TypeError(`logger must be a function or have ${LOG_METHODS.join(", ")} methods (pino's shape)`);
  }
  return ({ level, msg, ...fields }) => logger[level].call(logger, fields, msg);
}

const LOG_METHODS = ["debug", "info", "warn", "error"] as const satisfies readonly LogLevel[];

const LEVELS: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Drops every record: the default for a server started in code. */
export const silentLogger: ServerLogger = () => {};

/**
 * Writes each record as one JSON line (with an ISO `time`) to `stream`:
 * the CLI's logger, on stderr.
 */
export function jsonLinesLogger(
  stream: { write(line: string): unknown } = process.stderr,
  minLevel: LogLevel = "info",
): ServerLogger {
  const threshold = LEVELS[minLevel];
  return (record) => {
    if (LEVELS[record.level] < threshold) return;
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
  };
}

/** Wraps a logger so no string field of a record contains any of `secrets`. */
export function redactingLogger(logger: ServerLogger, secrets: readonly string[]): ServerLogger {
  if (logger === silentLogger) return logger;
  const redact = secretRedactor(secrets);
  return (record) => {
    const clean: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) clean[key] = typeof value === "string" ? redact(value) : value;
    logger(clean as LogRecord);
  };
}

/** Returns a function that replaces every occurrence of a secret with `[redacted]`. */
export function secretRedactor(secrets: readonly string[]): (text: string) => string {
  // Short values would redact ordinary words; real keys and secrets are longer.
  const values = [...new Set(secrets.filter((secret) => secret.length >= 8))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => {
    let clean = text;
    for (const value of values) {
      if (clean.includes(value)) clean = clean.split(value).join("[redacted]");
    }
    return clean;
  };
}
