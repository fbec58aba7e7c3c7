// Another build of the SDK against this one: both loaded in one process and
// interleaved round by round against one server (raw grpc-js alongside as the
// yardstick), so a change's effect is measured apart from the machine's drift.
//   npx tsx bench/compare.ts OTHER_DIST [c1] [c64] [stream] [micro] [--rounds=N] [--calls=N]
// OTHER_DIST is the dist/ of another checkout built with `npx tsc -p
// tsconfig.build.json` (e.g. from `git archive <commit>`, with node_modules
// linked to this one's so both share their dependencies). Needs `npm run build`.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { tamar } from "./client-under-test.js";
import { generateBenchCode } from "./codegen.js";
import type { Contender } from "./contenders/contender.js";
import { tamarClient } from "./contenders/tamar-client.js";
import { closedLoop, interleavedRounds, timedStream } from "./measure.js";
import { answerWithoutNetwork, drain, perCall, STREAM_CHUNKS } from "./micro.js";
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

const other = (await import(pathToFileURL(resolve(otherDist, "index.js")).href)) as typeof tamar;
const builds = [
  { name: "old", sdk: other },
  { name: "new", sdk: tamar },
];

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

if (runs("micro")) {
  // In process, no network: each build's whole invoke() and stream per chunk, taking turns.
  const clients = builds.map(({ name, sdk }) => ({
    name,
    sdk,
    client: sdk.createModelClient({
      address: "127.0.0.1:1",
      jwtSecretKey: JWT_SECRET,
      useTls: false,
      env: {},
      envFile: false,
      middlewares: [answerWithoutNetwork],
    }),
  }));
  const settings = { iterations: flag("iterations", 20_000), repeats: 1 };
  const pieces: Array<[string, (entry: (typeof clients)[number]) => () => unknown, number]> = [
    ["whole invoke() µs", ({ sdk, client }) => () => sdk.invoke(client, unaryRequest), 1],
    ["stream per chunk µs", ({ sdk, client }) => () => drain(sdk.invokeStream(client, streamRequest)), STREAM_CHUNKS],
  ];
  for (const [name, make, chunks] of pieces) {
    const iterations = Math.max(1, Math.round(settings.iterations / chunks));
    const samples = await interleavedRounds(clients, rounds, async (entry) => (await perCall(make(entry), { iterations, repeats: 1 })) / chunks);
    report(name, samples, { cpu: (micros: number) => micros });
  }
  for (const { client } of clients) await client.close();
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
