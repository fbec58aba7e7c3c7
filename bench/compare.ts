// Another build of the SDK against this one: both loaded in one process and
// interleaved round by round against one server (raw grpc-js alongside as the
// yardstick), so a change's effect is measured apart from the machine's drift.
//   npx tsx bench/compare.ts OTHER_DIST [c1] [c64] [stream] [micro] [--rounds=N] [--calls=N]
// OTHER_DIST is the dist/ of another checkout built with `npx tsc -p
// tsconfig.build.json` (e.g. from `git archive <commit>`, with node_modules
// linked to this one's so both share their dependencies). Needs `npm run build`.
// `micro` runs each build in fresh processes, taking turns (--processes=N):
// in one process the JIT's choices for code both builds share made a build's
// in-process cost vary by a third from one process to the next.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { loadSdk, tamar } from "./client-under-test.js";
import { generateBenchCode } from "./codegen.js";
import type { Contender } from "./contenders/contender.js";
import { tamarClient } from "./contenders/tamar-client.js";
import { closedLoop, interleavedRounds, timedStream } from "./measure.js";
import { drain, offlineClient, perCall, STREAM_CHUNKS } from "./micro.js";
import { startServerProcess } from "./server-process.js";
import { prepareContenders } from "./setup.js";
import { median, pairedRatio } from "./stats.js";
import { JWT_SECRET, streamRequest, unaryRequest } from "./workload.js";

const args = process.argv.slice(2);
const otherDist = args[0];
if (!otherDist) throw new Error("usage: compare.ts OTHER_DIST [c1] [c64] [stream] [micro] [--rounds=N] [--calls=N]");
const flag = (name: string, fallback: number) => Number(args.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const wanted = args.slice(1).filter((arg) => !arg.startsWith("--"));
const runs = (scenario: string) => wanted.length === 0 || wanted.includes(scenario);
const rounds = flag("rounds", 10);

const other = await loadSdk(pathToFileURL(`${resolve(otherDist)}/`));
const builds = [
  { name: "old", sdk: other },
  { name: "new", sdk: tamar },
];
const child = args.find((arg) => arg.startsWith("--child="))?.slice("--child=".length);

/** Medians of each metric per contender, and the paired ratios new/old and each/raw. */
function report<T>(title: string, samples: Map<string, T[]>, metrics: Record<string, (sample: T) => number>): void {
  console.log(`\n${title}`);
  const pair = (a: string, b: string, read: (sample: T) => number) => pairedRatio(samples.get(a)!.map(read), samples.get(b)!.map(read));
  for (const [metric, read] of Object.entries(metrics)) {
    const medians = [...samples].map(([name, values]) => `${name} ${median(values.map(read)).toFixed(3)}`).join(", ");
    const vsRaw = samples.has("raw grpc-js")
      ? `; old/raw ${pair("old", "raw grpc-js", read).toFixed(3)}, new/raw ${pair("new", "raw grpc-js", read).toFixed(3)}`
      : "";
    console.log(`  ${metric}: ${medians}; new/old ${pair("new", "old", read).toFixed(3)}${vsRaw}`);
  }
}

type MicroSample = Record<string, number>;

/** In this process, no network: one build's whole invoke() and stream per chunk. */
async function microSample(sdk: typeof tamar): Promise<MicroSample> {
  const client = offlineClient(sdk);
  const iterations = flag("iterations", 20_000);
  const settings = (chunks: number) => ({ iterations: Math.max(1, Math.round(iterations / chunks)), repeats: 5 });
  const sample = {
    "whole invoke() µs": await perCall(() => sdk.invoke(client, unaryRequest), settings(1)),
    "stream per chunk µs": (await perCall(() => drain(sdk.invokeStream(client, streamRequest)), settings(STREAM_CHUNKS))) / STREAM_CHUNKS,
  };
  await client.close();
  return sample;
}

if (child !== undefined) {
  process.stdout.write(JSON.stringify(await microSample(child === "old" ? other : tamar)));
  process.exit(0);
}

if (runs("micro")) {
  const script = fileURLToPath(import.meta.url);
  const processes = flag("processes", 10);
  const samples = await interleavedRounds(builds, processes, async ({ name }) => {
    const output = execFileSync(process.execPath, [...process.execArgv, script, otherDist, `--child=${name}`, `--iterations=${flag("iterations", 20_000)}`], {
      encoding: "utf8",
    });
    return JSON.parse(output) as MicroSample;
  });
  report(`in process, ${processes} fresh processes per build`, samples, {
    "whole invoke() µs": (s) => s["whole invoke() µs"]!,
    "stream per chunk µs": (s) => s["stream per chunk µs"]!,
  });
}

if (runs("c1") || runs("c64") || runs("stream")) {
  generateBenchCode();
  const server = await startServerProcess(JWT_SECRET);
  const contenders = await prepareContenders(server.address);
  const sdks = builds.map(({ name, sdk }) => tamarClient(server.address, sdk, name));
  try {
    const all: Contender[] = [contenders.baseline, ...sdks];
    for (const contender of all) await contender.unary();
    for (const [scenario, concurrency, calls] of [
      ["c1", 1, 1000],
      ["c64", 64, 4000],
    ] as const) {
      if (!runs(scenario)) continue;
      const measured = await interleavedRounds(all, rounds, (contender) => closedLoop(() => contender.unary(), concurrency, flag("calls", calls)));
      report(`unary c=${concurrency}`, measured, {
        "p50 ms": (s) => s.p50Ms,
        "req/s": (s) => s.perSecond,
        "client CPU µs/call": (s) => s.cpuMicrosPerCall,
      });
    }
    if (runs("stream")) {
      const measured = await interleavedRounds(all, rounds * 2, (contender) => timedStream((onFirst) => contender.stream(onFirst)));
      report("stream", measured, {
        "first chunk ms": (s) => s.firstChunkMs,
        "chunks/s": (s) => s.chunksPerSecond,
        "client CPU µs/chunk": (s) => s.cpuMicrosPerChunk,
      });
    }
  } finally {
    await Promise.all(sdks.map((sdk) => sdk.close()));
    await contenders.close();
    await server.stop();
  }
}
