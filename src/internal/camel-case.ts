// One spelling rule for snake_case → camelCase, shared by the client's "did
// you mean" hints and the server's Google key conversion, so both agree on
// what a key's camelCase form is.

/** `max_output_tokens` → `maxOutputTokens`; keys already camelCase are unchanged. */
export function camelCaseKey(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}
