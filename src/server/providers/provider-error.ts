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
  const cause = (error as { cause?: unknown }).cause;
  // Connection errors say only "Connection error."; the cause says which one.
  const detail = cause instanceof Error && cause.message && !error.message.includes(cause.message) ? ` (${cause.message})` : "";
  return `${backend} request failed${httpStatus}: ${error.message}${detail}`;
}
