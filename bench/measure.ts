// The measurement loops: closed-loop unary load and one timed stream.
import { percentile, roundOrder } from "./stats.js";

export interface UnarySample {
  p50Ms: number;
  p99Ms: number;
  perSecond: number;
  /** CPU time of this process (user + system) per call, µs: the client's own cost, whatever the server does. */
  cpuMicrosPerCall: number;
}

/**
 * `total` calls from `concurrency` workers, each starting its next call as
 * soon as its last one ends (a closed loop: the client never queues more
 * than `concurrency` calls).
 */
export async function closedLoop(call: () => Promise<void>, concurrency: number, total: number): Promise<UnarySample> {
  const latencies = new Float64Array(total);
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const index = next++;
      const started = performance.now();
      await call();
      latencies[index] = performance.now() - started;
    }
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const { user, system } = process.cpuUsage(cpu);
  return unarySample(latencies, performance.now() - started, user + system);
}

/** A closed loop's summary from its call latencies (ms), its wall time (ms) and the CPU its process spent (µs). */
export function unarySample(latencies: ArrayLike<number>, wallMs: number, cpuMicros: number): UnarySample {
  return {
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    perSecond: (latencies.length / wallMs) * 1000,
    cpuMicrosPerCall: cpuMicros / latencies.length,
  };
}

export interface StreamSample {
  firstChunkMs: number;
  chunksPerSecond: number;
  messages: number;
  /** CPU time of this process per message, µs. */
  cpuMicrosPerChunk: number;
}

/** One stream, read to its end: time to the first message and messages per second over the whole call. */
export async function timedStream(stream: (onFirst: () => void) => Promise<number>): Promise<StreamSample> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let first = Number.NaN;
  const messages = await stream(() => {
    first = performance.now();
  });
  const ended = performance.now();
  const { user, system } = process.cpuUsage(cpu);
  return {
    firstChunkMs: first - started,
    chunksPerSecond: (messages / (ended - started)) * 1000,
    messages,
    cpuMicrosPerChunk: (user + system) / messages,
  };
}

/** Wall time of one call, ms. */
export async function wallTime(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await call();
  return performance.now() - started;
}

/**
 * Runs `measure` for every contender, round after round, the order rotating
 * each round (A B C, B C A, …) so that drift and order effects hit all
 * alike. Round 0 is a warm-up (JIT, connections) and is not kept, unless
 * `warmUp` is false (each measurement in a fresh process: nothing to warm).
 */
export async function interleavedRounds<C extends { name: string }, T>(
  contenders: readonly C[],
  rounds: number,
  measure: (contender: C) => Promise<T>,
  { warmUp = true } = {},
): Promise<Map<string, T[]>> {
  const samples = new Map<string, T[]>(contenders.map((contender) => [contender.name, []]));
  const first = warmUp ? 0 : 1;
  for (let round = first; round <= rounds; round++) {
    for (const index of roundOrder(contenders.length, round)) {
      const contender = contenders[index]!;
      const sample = await measure(contender);
      if (round > 0) samples.get(contender.name)!.push(sample);
    }
  }
  return samples;
}
