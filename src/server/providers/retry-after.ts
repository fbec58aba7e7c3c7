/**
 * A provider's back-off hint: when it answers 429 (or 503 / 529) with
 * `Retry-After` (seconds or an HTTP date) or OpenAI's `retry-after-ms`, the
 * server passes the wait on to its caller, which retries after it instead of
 * guessing.
 */

const HINTED_STATUSES = new Set([429, 503, 529]);

type HeaderBag = { get(name: string): string | null } | Record<string, unknown>;

function header(headers: HeaderBag, name: string): string | undefined {
  const value = typeof headers.get === "function" ? (headers as { get(name: string): string | null }).get(name) : (headers as Record<string, unknown>)[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** The wait a provider error asks for, ms; undefined when it names none. */
export function providerRetryAfterMs(error: unknown, now = Date.now()): number | undefined {
  const { status, headers } = (error ?? {}) as { status?: unknown; headers?: unknown };
  if (typeof status !== "number" || !HINTED_STATUSES.has(status) || typeof headers !== "object" || headers === null) return undefined;
  const bag = headers as HeaderBag;
  const ms = header(bag, "retry-after-ms");
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms));
  const after = header(bag, "retry-after");
  if (after === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Math.ceil(Number(after) * 1000);
  const at = Date.parse(after);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
