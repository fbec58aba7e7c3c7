/** Prints one figure line of the reliability suite, e.g. `[reliability] restarts: ok=1990 …`. */
export function report(topic: string, figures: Record<string, string | number | boolean>): void {
  const text = Object.entries(figures)
    .map(([name, value]) => `${name}=${value}`)
    .join(" ");
  console.log(`[reliability] ${topic}: ${text}`);
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
