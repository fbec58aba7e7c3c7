/**
 * Provider failures travel in-band, as the `error` text of a response. The
 * text says which backend failed and how (HTTP status, the provider's own
 * message), without secrets.
 */
import type { Backend } from "./provider.js";

/** Describes a provider SDK error for the caller. */
export function describeProviderError(backend: Backend, error: unknown): string {
  if (!(error instanceof Error)) return `${backend} request failed: ${String(error)}`;
  const status = (error as { status?: unknown }).status;
  const httpStatus = typeof status === "number" ? `, HTTP ${status}` : "";
  return `${backend} request failed${httpStatus}: ${error.message}${causesOf(error)}`;
}

// Connection errors say only "Connection error." or "fetch failed"; the
// cause chain says which one (ECONNREFUSED, ETIMEDOUT, ...).
function causesOf(error: Error): string {
  const messages: string[] = [];
  let cause = (error as { cause?: unknown }).cause;
  for (let depth = 0; depth < 3 && cause instanceof Error; depth++) {
    if (cause.message && !error.message.includes(cause.message)) messages.push(cause.message);
    cause = (cause as { cause?: unknown }).cause;
  }
  return messages.length > 0 ? ` (${messages.join(": ")})` : "";
}
