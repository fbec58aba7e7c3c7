// Thousands of streams open at once through one client, the SDK against raw
// grpc-js: each contender in a fresh process per round (open-streams-child.ts,
// with --expose-gc so the heap is read after a full GC), taking turns. The
// server drips chunks (--offline-chunk-delay-ms) so the streams stay open.
// Alone, against another build of the SDK as well (its dist/, see compare.ts):
//   npx tsx bench/open-streams.ts [--other=OTHER_DIST] [--streams=5000] [--rounds=3]
import { fileURLToPath } from "node:url";
import { runTracked } from "./child-processes.js";
import { interleavedRounds } from "./measure.js";
import type { OpenStreamsSample } from "./open-streams-child.js";
import { type Row, summarise } from "./scenarios.js";
import { startServerProcess } from "./server-process.js";
import { JWT_SECRET, OPEN_STREAM_CHUNK_DELAY_MS, OPEN_STREAM_CHUNKS } from "./workload.js";

const CHILD = fileURLToPath(new URL("./open-streams-child.ts", import.meta.url));
const root = fileURLToPath(new URL("..", import.meta.url));

export type OpenStreamsMetric = "heapPerStream" | "cpuPerChunk" | "wallMs";

export interface OpenStreamsResult {
  streams: number;
  chunksPerStream: number;
  chunkDelayMs: number;
  rows: Row<OpenStreamsMetric>[];
  /** Fewest streams still open when a contender's heap was read (should be all of them). */
  fewestOpenAtMeasurement: number;
}

const CONTENDERS: readonly { name: string; which: string }[] = [
  { name: "raw grpc-js", which: "raw" },
  { name: "tamar invokeStream", which: "sdk" },
];

async function child(which: string, address: string, streams: number): Promise<OpenStreamsSample> {
  const stdout = await runTracked(process.execPath, ["--expose-gc", "--import", "tsx", CHILD, which, address, String(streams)], { cwd: root });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as OpenStreamsSample;
}

/** `streams` streams at once per contender per round, against a server of its own that drips the chunks. */
export async function openStreamsScenario(streams: number, rounds: number, otherDist?: string): Promise<OpenStreamsResult> {
  const contenders = otherDist === undefined ? CONTENDERS : [...CONTENDERS, { name: "other build", which: `sdk:${otherDist}` }];
  const server = await startServerProcess(JWT_SECRET, { args: ["--offline-chunk-delay-ms", String(OPEN_STREAM_CHUNK_DELAY_MS)] });
  try {
    let fewestOpen = streams;
    const samples = await interleavedRounds(contenders, rounds, async (contender) => {
      const sample = await child(contender.which, server.address, streams);
      fewestOpen = Math.min(fewestOpen, sample.openAtMeasurement);
      return sample;
    }, { warmUp: false });
    return {
      streams,
      chunksPerStream: OPEN_STREAM_CHUNKS + 1,
      chunkDelayMs: OPEN_STREAM_CHUNK_DELAY_MS,
      rows: summarise(contenders, samples, {
        heapPerStream: (s: OpenStreamsSample) => s.heapBytesPerStream,
        cpuPerChunk: (s) => s.cpuMicrosPerChunk,
        wallMs: (s) => s.wallMs,
      }),
      fewestOpenAtMeasurement: fewestOpen,
    };
  } finally {
    await server.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const flag = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1];
  const result = await openStreamsScenario(Number(flag("streams") ?? 5000), Number(flag("rounds") ?? 3), flag("other"));
  console.log(JSON.stringify(result, null, 2));
}
