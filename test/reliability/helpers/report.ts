import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

/** Where the figures go: `npm test` stays quiet; `RELIABILITY_FIGURES=1` prints them as well. */
export const FIGURES_FILE = fileURLToPath(new URL("../../../test-results/reliability-figures.txt", import.meta.url));

/**
 * Records one figure line of the reliability suite, e.g. `[reliability]
 * restarts: ok=1990 …`: appended to test-results/reliability-figures.txt
 * (the README's Reliability table comes from there), and printed when
 * RELIABILITY_FIGURES=1.
 */
export function report(topic: string, figures: Record<string, string | number | boolean>): void {
  const text = Object.entries(figures)
    .map(([name, value]) => `${name}=${value}`)
    .join(" ");
  const line = `[reliability] ${topic}: ${text}`;
  mkdirSync(dirname(FIGURES_FILE), { recursive: true });
  appendFileSync(FIGURES_FILE, `${new Date().toISOString()} ${line}\n`);
  if (process.env["RELIABILITY_FIGURES"] === "1") console.log(line);
}

/** Collects every chunk of a stream, and the error it ended with (if any). */
export async function drain<T>(stream: AsyncIterable<T>, onChunk?: (chunk: T, index: number) => void): Promise<{ chunks: T[]; error: unknown }> {
  const chunks: T[] = [];
  try {
    for await (const chunk of stream) {
      chunks.push(chunk);
      onChunk?.(chunk, chunks.length - 1);
    }
    return { chunks, error: undefined };
  } catch (error) {
    return { chunks, error };
  }
}
