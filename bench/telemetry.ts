// What OpenTelemetry costs per call: client CPU µs of invoke() and of a
// streamed chunk, in process and without network (the micro rows' client),
// with telemetry off (no @opentelemetry/api installed; installed but no SDK
// registered) and on (the SDK's tracer and meter providers, spans batched to
// an exporter that drops them), and optionally for another build (e.g. main
// before telemetry) as the baseline.
//   npm run bench:telemetry -- [--baseline=OTHER_DIST] [--processes=N] [--iterations=N]
// Each mode runs in fresh processes, taking turns, because in one process the
// JIT's choices for shared code made a build's in-process cost vary from one
// process to the next; the spread across processes is the noise.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median } from "./stats.js";

const args = process.argv.slice(2);
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const child = option("child");

type Mode = "baseline" | "no-api" | "off" | "on";
interface Sample {
  invoke: number;
  chunk: number;
}

const HIDE_API = fileURLToPath(new URL("../test/telemetry/fixtures/hide-otel-api.cjs", import.meta.url));
const TSX = fileURLToPath(new URL("../node_modules/tsx/dist/loader.mjs", import.meta.url));
const SELF = fileURLToPath(import.meta.url);

async function registerSdk(): Promise<void> {
  const { metrics, trace } = await import("@opentelemetry/api");
  const { BasicTracerProvider, BatchSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
  const { MeterProvider, MetricReader } = await import("@opentelemetry/sdk-metrics");
  const dropping = { export: (_spans: unknown, done: (result: { code: number }) => void) => done({ code: 0 }), shutdown: async () => {} };
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropping)] }));
  class PullReader extends MetricReader {
    protected override async onForceFlush(): Promise<void> {}
    protected override async onShutdown(): Promise<void> {}
  }
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [new PullReader()] }));
}

async function measure(mode: Mode, dist: string): Promise<Sample> {
  if (mode === "on") await registerSdk();
  const { perCall, drain, offlineClient, STREAM_CHUNKS } = await import("./micro.js");
  const { streamRequest, unaryRequest } = await import("./workload.js");
  const { loadSdk } = await import("./client-under-test.js");
  const sdk = await loadSdk(pathToFileURL(`${resolve(dist)}/`));
  const client = offlineClient(sdk);
  const iterations = Number(option("iterations") ?? 20_000);
  const settings = { iterations, repeats: 5 };
  const invoke = await perCall(() => sdk.invoke(client, unaryRequest), settings);
  const streams = Math.max(1, Math.round(iterations / STREAM_CHUNKS));
  const stream = await perCall(() => drain(sdk.invokeStream(client, streamRequest)), { iterations: streams, repeats: 5 });
  await client.close();
  return { invoke, chunk: stream / STREAM_CHUNKS };
}

if (child) {
  const [mode, dist] = child.split(",") as [Mode, string];
  console.log(JSON.stringify(await measure(mode, dist)));
  process.exit(0);
}

const ownDist = fileURLToPath(new URL("../dist", import.meta.url));
const baseline = option("baseline");
const modes: Array<[Mode, string]> = [
  ...(baseline ? ([["baseline", resolve(baseline)]] as Array<[Mode, string]>) : []),
  ["no-api", ownDist],
  ["off", ownDist],
  ["on", ownDist],
];
const processes = Number(option("processes") ?? 5);
const samples = new Map<Mode, Sample[]>(modes.map(([mode]) => [mode, []]));
for (let round = 0; round < processes; round++) {
  for (const [mode, dist] of modes) {
    const nodeArgs = mode === "no-api" ? ["--require", HIDE_API] : [];
    const out = execFileSync(process.execPath, [...nodeArgs, "--import", TSX, SELF, `--child=${mode},${dist}`, ...args], { encoding: "utf8" });
    samples.get(mode)!.push(JSON.parse(out.trim().split("\n").at(-1)!) as Sample);
  }
}

const spread = (values: number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
console.log(`\nClient CPU µs per call, in process, no network (${processes} processes per mode; median, min–max across processes)`);
console.log("| mode | invoke() | stream chunk |");
console.log("|---|---|---|");
for (const [mode, list] of samples) {
  const invoke = list.map((sample) => sample.invoke);
  const chunk = list.map((sample) => sample.chunk);
  console.log(`| ${mode} | ${median(invoke).toFixed(2)} (${spread(invoke)}) | ${median(chunk).toFixed(3)} (${spread(chunk)}) |`);
}
const cost = (a: Mode, b: Mode, read: (s: Sample) => number) => median(samples.get(a)!.map(read)) - median(samples.get(b)!.map(read));
console.log(`\non − off: invoke ${cost("on", "off", (s) => s.invoke).toFixed(2)} µs, chunk ${cost("on", "off", (s) => s.chunk).toFixed(3)} µs`);
console.log(`off − no-api: invoke ${cost("off", "no-api", (s) => s.invoke).toFixed(2)} µs`);
if (baseline) console.log(`off − baseline: invoke ${cost("off", "baseline", (s) => s.invoke).toFixed(2)} µs, no-api − baseline ${cost("no-api", "baseline", (s) => s.invoke).toFixed(2)} µs`);
