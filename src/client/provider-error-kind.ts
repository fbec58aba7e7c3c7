// What kind of failure an in-band provider error is, read from its text. The
// reference server writes `<backend> request failed, HTTP <status>: <message>`;
// other Model Managers write the provider's message, which names the kind in
// words (rate limit, overloaded, context length …).

/**
 * Kinds of provider failure: `rate_limit` (429, quota), `overloaded` (529,
 * 503, "overloaded"), `server_error` (other 5xx), `timeout` (408, 504, timed
 * out), `connection` (the server could not reach the provider),
 * `context_length` (the input is too long for the model, 413), `other`
 * (bad request, provider credentials, unknown model …).
 */
export type ProviderErrorKind =
  | "rate_limit"
  | "overloaded"
  | "server_error"
  | "timeout"
  | "connection"
  | "context_length"
  | "other";

/** Every kind, in the order of {@link ProviderErrorKind}. */
export const PROVIDER_ERROR_KINDS: readonly ProviderErrorKind[] = [
  "rate_limit",
  "overloaded",
  "server_error",
  "timeout",
  "connection",
  "context_length",
  "other",
];

const byWords: ReadonlyArray<readonly [RegExp, ProviderErrorKind]> = [
  [/context[ _-]?length|context window|too many tokens|too long|maximum (?:context|number of tokens)|prompt is too long/i, "context_length"],
  [/rate[ _-]?limit|too many requests|quota|resource[ _]exhausted/i, "rate_limit"],
  [/overloaded|over capacity|unavailable/i, "overloaded"],
  [/timed? ?out|deadline/i, "timeout"],
  [/connection error|fetch failed|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|socket hang up/i, "connection"],
];

function byStatus(status: number): ProviderErrorKind | undefined {
  if (status === 429) return "rate_limit";
  if (status === 529 || status === 503) return "overloaded";
  if (status === 408 || status === 504) return "timeout";
  if (status === 413) return "context_length";
  if (status >= 500 && status <= 599) return "server_error";
  return undefined;
}

/** The kind of an in-band provider error text. */
export function providerErrorKind(text: string): ProviderErrorKind {
  const status = /\bHTTP (\d{3})\b/.exec(text)?.[1];
  const fromStatus = status === undefined ? undefined : byStatus(Number(status));
  if (fromStatus !== undefined) return fromStatus;
  for (const [pattern, kind] of byWords) if (pattern.test(text)) return kind;
  return "other";
}
