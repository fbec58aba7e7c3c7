/**
 * Values quoted in messages are cut: no request field, server answer or
 * provider text can make an error message, a gRPC status or a log line
 * unbounded. A cut is marked with how much was left out, so it never reads
 * as the whole value.
 */

/**
 * Longest identifier (model, provider, channel, invoke type, org / user id,
 * client type, custom id, task id), characters: checked by the client's
 * schemas and by the server before any work.
 */
export const MAX_IDENTIFIER_CHARS = 256;

/**
 * Most bytes of a call's own metadata (the `metadata` call option) and, apart,
 * of a fixed JWT: gRPC servers refuse header blocks over about 8 KiB (gRPC
 * core's default `max_metadata_size`) with a bare stream reset, so the client
 * says so first.
 */
export const MAX_METADATA_BYTES = 4096;

/** Longest value quoted in an error message, characters. */
export const MAX_QUOTED_CHARS = 256;

/** Longest text of server or provider origin carried whole in a message (status details, provider errors), characters. */
export const MAX_MESSAGE_CHARS = 4096;

function cut(text: string, max: number): { kept: string; left: number } {
  if (text.length <= max) return { kept: text, left: 0 };
  // Never split a surrogate pair.
  const code = text.charCodeAt(max - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return { kept: text.slice(0, end), left: text.length - end };
}

/** `text` cut to `max` characters, marked `…[+N chars]` when cut. */
export function boundedText(text: string, max = MAX_MESSAGE_CHARS): string {
  const { kept, left } = cut(text, max);
  return left === 0 ? text : `${kept}…[+${left} chars]`;
}

/** `value` as a JSON string literal for a message, cut to `max` characters (the mark outside the quotes). */
export function quoted(value: string, max = MAX_QUOTED_CHARS): string {
  const { kept, left } = cut(value, max);
  return left === 0 ? JSON.stringify(value) : `${JSON.stringify(kept)}…[+${left} chars]`;
}
