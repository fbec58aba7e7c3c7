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

/** A provider's back-off hint: the wait, and the HTTP status it came with (429, 503 or 529). */
export interface ProviderRetryHint {
  readonly ms: number;
  readonly httpStatus: number;
}

/** The back-off hint of a provider error; undefined when it names none. */
export function providerRetryHint(error: unknown, now = Date.now()): ProviderRetryHint | undefined {
  const { status, headers } = (error ?? {}) as { status?: unknown; headers?: unknown };
  if (typeof status !== "number" || !HINTED_STATUSES.has(status) || typeof headers !== "object" || headers === null) return undefined;
  const bag = headers as HeaderBag;
  const hinted = (ms: number | undefined) => (ms === undefined ? undefined : { ms, httpStatus: status });
  const ms = header(bag, "retry-after-ms");
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms)) return hinted(Math.ceil(Number(ms)));
  const after = header(bag, "retry-after");
  if (after === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return hinted(Math.ceil(Number(after) * 1000));
  const at = Date.parse(after);
  return hinted(Number.isNaN(at) ? undefined : Math.max(0, at - now));
}
