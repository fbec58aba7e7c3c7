/** A README shell line `A=1 B=2 command args…`: the variable assignments it starts with, and the words after them. */
export function assignments(line: string): { vars: Record<string, string>; rest: string[] } {
  const words = line.trim().split(/\s+/);
  const vars: Record<string, string> = {};
  while (words[0] && /^[A-Z_]+=/.test(words[0])) {
    const word = words.shift()!;
    vars[word.slice(0, word.indexOf("="))] = word.slice(word.indexOf("=") + 1);
  }
  return { vars, rest: words };
}
