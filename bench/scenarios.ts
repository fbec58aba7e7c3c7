// The end-to-end scenarios, each run as interleaved rounds and summarised as
// medians plus paired ratios against the baseline (the first contender).
import { tamar } from "./client-under-test.js";
import type { Contender, LoadRunner } from "./contenders/contender.js";
import { closedLoop, interleavedRounds, type StreamSample, timedStream, type UnarySample, wallTime } from "./measure.js";
import type { ServerProcess } from "./server-process.js";
import { median, pairedRatio } from "./stats.js";
import { TENANT, unaryRequest } from "./workload.js";

/** A metric's median over the rounds, and the median of its per-round ratios to the baseline. */
export interface Metric {
  median: number;
  ratio: number;
}

export interface Row<K extends string> {
  name: string;
  diagnostic: boolean;
  metrics: Record<K, Metric>;
}

export function summarise<T, K extends string>(
  contenders: ReadonlyArray<{ name: string; diagnostic?: boolean | undefined }>,
  samples: Map<string, T[]>,
  metrics: Record<K, (sample: T) => number>,
): Row<K>[] {
  const baseline = samples.get(contenders[0]!.name)!;
  return contenders.map((contender) => {
    const own = samples.get(contender.name)!;
    const entries = Object.entries(metrics) as Array<[K, (sample: T) => number]>;
    const summary = Object.fromEntries(
      entries.map(([key, read]) => [key, { median: median(own.map(read)), ratio: pairedRatio(own.map(read), baseline.map(read)) }]),
    ) as Record<K, Metric>;
    return { name: contender.name, diagnostic: contender.diagnostic === true, metrics: summary };
  });
}

export type UnaryMetric = "p50Ms" | "p99Ms" | "perSecond" | "clientCpu" | "serverCpu";

type UnaryRoundSample = UnarySample & { serverCpu: number };

const UNARY_METRICS: Record<UnaryMetric, (sample: UnaryRoundSample) => number> = {
  p50Ms: (s) => s.p50Ms,
  p99Ms: (s) => s.p99Ms,
  perSecond: (s) => s.perSecond,
  clientCpu: (s) => s.cpuMicrosPerCall,
  serverCpu: (s) => s.serverCpu,
};

/** A contender that was not measured, and why. */
export interface Skipped {
  name: string;
  reason: string;
}

export interface UnaryResult {
  concurrency: number;
  callsPerRound: number;
  rows: Row<UnaryMetric>[];
  /** The SDK against each out-of-process contender directly: medians of the per-round ratios SDK / contender. */
  versus: Array<{ name: string; ratios: Record<UnaryMetric, number> }>;
  skipped: Skipped[];
}

export interface UnaryExtras {
  /** Contenders in their own processes (the Python clients), measured in the same rounds. */
  runners?: readonly LoadRunner[];
  /** Contenders that could not run here, reported instead of measured. */
  skipped?: readonly Skipped[];
  /** Name of the SDK's contender, for the `versus` ratios. */
  sdk?: string;
}

/** Unary Invoke under closed-loop load at `concurrency`, `calls` per contender per round. */
export async function unaryScenario(
  contenders: readonly Contender[],
  server: ServerProcess,
  concurrency: number,
  calls: number,
  rounds: number,
  { runners = [], skipped = [], sdk }: UnaryExtras = {},
): Promise<UnaryResult> {
  const inProcess = contenders.map((contender) => ({
    name: contender.name,
    diagnostic: contender.diagnostic,
    closedLoop: (c: number, n: number) => closedLoop(() => contender.unary(), c, n),
  }));
  const all = [...inProcess, ...runners];
  const samples = await interleavedRounds(all, rounds, async (contender): Promise<UnaryRoundSample> => {
    const before = server.cpuMicros();
    const sample = await contender.closedLoop(concurrency, calls);
    const after = server.cpuMicros();
    return { ...sample, serverCpu: before === undefined || after === undefined ? Number.NaN : (after - before) / calls };
  });
  const rows = summarise(all, samples, UNARY_METRICS);
  const own = sdk === undefined ? undefined : samples.get(sdk);
  const versus = own
    ? runners.map((runner) => {
        const theirs = samples.get(runner.name)!;
        const entries = Object.entries(UNARY_METRICS) as Array<[UnaryMetric, (s: UnaryRoundSample) => number]>;
        return { name: runner.name, ratios: Object.fromEntries(entries.map(([key, read]) => [key, pairedRatio(own.map(read), theirs.map(read))])) as Record<UnaryMetric, number> };
      })
    : [];
  return { concurrency, callsPerRound: calls, rows, versus, skipped: [...skipped] };
}

export type StreamMetric = "firstChunkMs" | "chunksPerSecond" | "clientCpu";

export interface StreamResult {
  messages: number;
  rows: Row<StreamMetric>[];
}

/** One long stream per contender per round. */
export async function streamScenario(contenders: readonly Contender[], rounds: number): Promise<StreamResult> {
  let messages = 0;
  const samples = await interleavedRounds(contenders, rounds, async (contender) => {
    const sample = await timedStream((onFirst) => contender.stream(onFirst));
    messages = sample.messages;
    return sample;
  });
  const rows = summarise(contenders, samples, {
    firstChunkMs: (s: StreamSample) => s.firstChunkMs,
    chunksPerSecond: (s) => s.chunksPerSecond,
    clientCpu: (s) => s.cpuMicrosPerChunk,
  });
  return { messages, rows };
}

export interface BatchResult {
  items: number;
  rows: Row<"wallMs">[];
}

/** One `invokeBatch` of `items` against as many concurrent `invoke`s (the baseline here), both through the SDK. */
export async function batchScenario(client: ReturnType<typeof tamar.createModelClient>, items: number, rounds: number): Promise<BatchResult> {
  const { userContext: _, ...item } = unaryRequest;
  const batch = { userContext: TENANT, items: Array.from({ length: items }, () => item) };
  const ways: Array<Contender & { run(): Promise<unknown> }> = [
    { name: `${items} concurrent invoke`, run: () => Promise.all(Array.from({ length: items }, () => tamar.invoke(client, unaryRequest))) },
    { name: `1 invokeBatch of ${items}`, run: () => tamar.invokeBatch(client, batch) },
  ].map((way) => ({ ...way, unary: async () => {}, stream: async () => 0, close: async () => {} }));
  const samples = await interleavedRounds(ways, rounds, (way) => wallTime(() => way.run()));
  return { items, rows: summarise(ways, samples, { wallMs: (ms: number) => ms }) };
}
