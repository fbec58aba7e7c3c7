// The words a boolean environment variable may hold, for the client's and the
// server's settings alike: one list, so a `.env` shared by both means the same
// thing to each.

/** Words read as true (case-insensitive). */
export const TRUE_WORDS: readonly string[] = ["true", "1", "yes", "on"];
/** Words read as false (case-insensitive). */
export const FALSE_WORDS: readonly string[] = ["false", "0", "no", "off"];

/**
 * The boolean a setting's text means, `undefined` for an empty or unset one,
 * or `null` for a word that is neither (the caller reports it, naming the setting).
 */
export function parseBooleanWord(text: string | undefined): boolean | undefined | null {
  const word = text?.trim().toLowerCase();
  if (word === undefined || word === "") return undefined;
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  return null;
}

/** `true, 1, yes, on / false, 0, no, off`, for error messages. */
export const BOOLEAN_WORDS_HINT = `${TRUE_WORDS.join(", ")} / ${FALSE_WORDS.join(", ")}`;
