/**
 * Structured logs: one flat record per event. The server never puts prompt
 * text, tokens or secrets into a record, and redacts configured secrets from
 * every string it logs, in case a provider echoes one back.
 */
import { boundedText } from "../../internal/bounded-text.js";

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

/** Longest string field of a record, characters; longer ones are cut and marked `…[+N chars]`. */
export const MAX_LOG_FIELD_CHARS = 1024;
/** Longest JSON line, characters; fields that do not fit are left out and counted in `omitted_fields`. */
export const MAX_LOG_LINE_CHARS = 8192;

// JSON.stringify leaves these as they are; a log viewer or a JavaScript
// reader would take U+2028 / U+2029 for line ends and C1 controls for
// terminal commands, as it would a newline or an ANSI escape.
const UNSAFE_IN_LINES = /[\u0080-\u009f\u2028\u2029]/g;
const escapeUnsafe = (json: string) => json.replace(UNSAFE_IN_LINES, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** One JSON line of `record`, at most {@link MAX_LOG_LINE_CHARS} characters. */
export function logLine(record: Record<string, unknown>): string {
  const whole = escapeUnsafe(JSON.stringify(record));
  if (whole.length <= MAX_LOG_LINE_CHARS) return whole;
  // Keep fields in order while they fit, leaving room for the count of the rest.
  const kept: Record<string, unknown> = {};
  let length = 2 + 32;
  let omitted = 0;
  for (const [key, value] of Object.entries(record)) {
    const size = escapeUnsafe(JSON.stringify({ [key]: value })).length - 1;
    if (length + size > MAX_LOG_LINE_CHARS) {
      omitted++;
      continue;
    }
    kept[key] = value;
    length += size;
  }
  return escapeUnsafe(JSON.stringify({ ...kept, omitted_fields: omitted }));
}

// The lowest level a logger of this module writes: wrappers drop lower
// records before doing any work on them (every call logs at info).
const thresholdOf = new WeakMap<ServerLogger, number>();

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
  const logger: ServerLogger = (record) => {
    if (LEVELS[record.level] < threshold) return;
    stream.write(`${logLine({ time: new Date().toISOString(), ...record })}\n`);
  };
  thresholdOf.set(logger, threshold);
  return logger;
}

/**
 * Wraps a logger so no string field of a record contains any of `secrets`,
 * and none is longer than {@link MAX_LOG_FIELD_CHARS}.
 */
export function redactingLogger(logger: ServerLogger, secrets: readonly string[]): ServerLogger {
  if (logger === silentLogger) return logger;
  const redact = secretRedactor(secrets);
  const threshold = thresholdOf.get(logger) ?? LEVELS.debug;
  return (record) => {
    if (LEVELS[record.level] < threshold) return;
    const clean: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) clean[key] = typeof value === "string" ? boundedText(redact(value), MAX_LOG_FIELD_CHARS) : value;
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
