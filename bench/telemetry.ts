// What OpenTelemetry costs per call: client CPU µs of invoke() and of a
// streamed chunk, in process and without network (the micro rows' client),
// with telemetry off (no @opentelemetry/api installed; installed but no SDK
// registered) and on, optionally for another build too (`--other`, e.g. the
// same branch before a change: on and off of both, taking turns) and for a
// baseline build with telemetry off (`--baseline`, e.g. main before telemetry).
//   npm run bench:telemetry -- [--other=OTHER_DIST] [--baseline=DIST] [--processes=N] [--iterations=N] [--chain-only]
// This client answers through a middleware of its own, so it takes the
// nice-grpc chain path; bench/telemetry-fused.ts, run after it, measures the
// fused path a default client takes, against a server in another process.
//
// "On" is the set-up a production service has after the NodeSDK's defaults:
// the SDK's tracer provider (always-on sampler) with a BatchSpanProcessor, the
// W3C trace-context propagator and the AsyncLocalStorage context manager,
// and a meter provider with a PeriodicExportingMetricReader. Both exporters
// drop what they get, so what is measured is the client's and the SDK's
// work per call, not an exporter's serialisation or network (export runs
// off the call path, in batches, every few seconds).
//
// "Context only" registers the context manager and the propagator but no
// provider: what the AsyncLocalStorage context manager's async hooks cost
// every promise of a call (on Node 20 they hook each promise), which "on"
// pays too, whatever the instrumentation.
//
// In each "on" process the SDK's own share is measured too ("SDK floor"):
// the spans and metric records one invoke() produced, replayed straight on
// the SDK — a span started with the attributes the client starts it with,
// the trace context injected into gRPC metadata, the remaining attributes
// set, ended; each metric point recorded with its attribute set. What the
// package adds on top is on − context only − floor. Two more reads of the
// package's share: its telemetry code for one invoke called alone, outside a
// call (against the floor), and, in the same process, invoke() through a
// client with telemetry enabled against one with it disabled, taking turns.
//
// Each mode runs in fresh processes, taking turns, because in one process the
// JIT's choices for shared code made a build's in-process cost vary from one
// process to the next; the spread across processes is the noise.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median } from "./stats.js";
import { registerSdk, sdkFloor } from "./telemetry-sdk.js";

const args = process.argv.slice(2);
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const child = option("child");

type Mode = "baseline" | "no-api" | "off" | "context only" | "on" | "other off" | "other on";
interface Sample {
  invoke: number;
  chunk: number;
  /** The SDK's own work for one invoke (on modes only). */
  floor?: number;
  /** invoke() with telemetry enabled − the same with it disabled, in one process (on modes only). */
  inProcess?: number;
  /** The client's telemetry of one invoke alone, SDK included, outside a call (on modes only). */
  alone?: number;
}

const HIDE_API = fileURLToPath(new URL("../test/telemetry/fixtures/hide-otel-api.cjs", import.meta.url));
const TSX = fileURLToPath(new URL("../node_modules/tsx/dist/loader.mjs", import.meta.url));
const SELF = fileURLToPath(import.meta.url);

/**
 * What the client's telemetry does for one invoke, called as the call path
 * calls it but without the call around it: started, attached to the call's
 * options, ended with the answer.
 */
async function telemetryAlone(tamar: import("./client-under-test.js").Sdk, dist: string): Promise<() => void> {
  type Telemetry = typeof import("../src/client/internal/telemetry/client-telemetry.js");
  const { modulesOf } = await import("./client-under-test.js");
  const modules = modulesOf(pathToFileURL(`${resolve(dist)}/`));
  const { createClientTelemetry } = (await import(new URL("client/internal/telemetry/client-telemetry.js", modules).href)) as Telemetry;
  const { unaryRequest } = await import("./workload.js");
  const { ANSWER } = await import("./micro.js");
  const { item } = await tamar.buildInvokeRequest(unaryRequest, false);
  const telemetry = createClientTelemetry("127.0.0.1:1")!;
  const response = tamar.toModelResponse(ANSWER, "id");
  return () => {
    const call = telemetry.invoke(unaryRequest, item, false)!;
    // As the chain path attaches it (this bench's client takes that path).
    call.attach({}, "id", false);
    call.end(response);
  };
}

async function measure(mode: Mode, dist: string): Promise<Sample> {
  const on = mode === "on" || mode === "other on";
  const sdk = on || mode === "context only" ? await registerSdk(on) : undefined;
  const { perCall, drain, offlineClient, STREAM_CHUNKS } = await import("./micro.js");
  const { streamRequest, unaryRequest } = await import("./workload.js");
  const { loadSdk } = await import("./client-under-test.js");
  const tamar = await loadSdk(pathToFileURL(`${resolve(dist)}/`));
  const client = offlineClient(tamar);
  const iterations = Number(option("iterations") ?? 20_000);
  const settings = { iterations, repeats: 5 };
  let invokes = 0;
  const invoke = () => {
    invokes++;
    return tamar.invoke(client, unaryRequest);
  };
  const sample: Sample = { invoke: await perCall(invoke, settings), chunk: 0 };
  // Streams before anything only the on modes do, so that every mode's stream runs after the same calls.
  const streams = Math.max(1, Math.round(iterations / STREAM_CHUNKS));
  sample.chunk = (await perCall(() => drain(tamar.invokeStream(client, streamRequest)), { iterations: streams, repeats: 5 })) / STREAM_CHUNKS;
  if (sdk && on) {
    // The same client with telemetry disabled, in the same process, taking turns with the enabled one.
    const disabled = offlineClient(tamar, { telemetry: { enabled: false } });
    const differences: number[] = [];
    for (let round = 0; round < 5; round++) {
      const enabled = await perCall(invoke, { iterations, repeats: 1 });
      differences.push(enabled - (await perCall(() => tamar.invoke(disabled, unaryRequest), { iterations, repeats: 1 })));
    }
    sample.inProcess = median(differences);
    await disabled.close();
    sample.floor = await perCall(await sdkFloor(sdk, invokes), settings);
    sample.alone = await perCall(await telemetryAlone(tamar, dist), settings);
  }
  await client.close();
  return sample;
}

if (child) {
  const [mode, dist] = child.split(",") as [Mode, string];
  console.log(JSON.stringify(await measure(mode, dist)));
  process.exit(0);
}

const ownDist = fileURLToPath(new URL("../dist", import.meta.url));
const baseline = option("baseline");
const other = option("other");
const modes: Array<[Mode, string]> = [
  ...(baseline ? ([["baseline", resolve(baseline)]] as Array<[Mode, string]>) : []),
  ["no-api", ownDist],
  ["off", ownDist],
  ["context only", ownDist],
  ["on", ownDist],
  ...(other
    ? ([
        ["other off", resolve(other)],
        ["other on", resolve(other)],
      ] as Array<[Mode, string]>)
    : []),
];
const processes = Number(option("processes") ?? 5);
const samples = new Map<Mode, Sample[]>(modes.map(([mode]) => [mode, []]));
const passOn = args.filter((arg) => !/^--(other|baseline)=/.test(arg));
for (let round = 0; round < processes; round++) {
  for (const [mode, dist] of modes) {
    const nodeArgs = mode === "no-api" ? ["--require", HIDE_API] : [];
    const out = execFileSync(process.execPath, [...nodeArgs, "--import", TSX, SELF, `--child=${mode},${dist}`, ...passOn], { encoding: "utf8" });
    samples.get(mode)!.push(JSON.parse(out.trim().split("\n").at(-1)!) as Sample);
  }
}

const spread = (values: number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
const cell = (values: number[], digits: number) => `${median(values).toFixed(digits)} (${spread(values)})`;
console.log(`\nClient CPU µs per call, in process, no network (${processes} processes per mode; median, min–max across processes)`);
console.log("| mode | invoke() | stream chunk | enabled − disabled in one process | SDK floor per invoke | telemetry alone per invoke |");
console.log("|---|---|---|---|---|---|");
for (const [mode, list] of samples) {
  const floors = list.flatMap((sample) => (sample.floor === undefined ? [] : [sample.floor]));
  const alone = list.flatMap((sample) => (sample.alone === undefined ? [] : [sample.alone]));
  const inProcess = list.flatMap((sample) => (sample.inProcess === undefined ? [] : [sample.inProcess]));
  const optional = (values: number[]) => (values.length ? cell(values, 2) : "—");
  console.log(
    `| ${mode} | ${cell(list.map((s) => s.invoke), 2)} | ${cell(list.map((s) => s.chunk), 3)} | ${optional(inProcess)} | ${optional(floors)} | ${optional(alone)} |`,
  );
}
const med = (mode: Mode, read: (s: Sample) => number) => median(samples.get(mode)!.map(read));
// Per round, so that each difference pairs processes that ran next to each other.
const paired = (a: Mode, b: Mode, read: (s: Sample) => number) =>
  median(samples.get(a)!.map((sample, round) => read(sample) - read(samples.get(b)![round]!)));
// The context manager's tax, measured on this build only (both builds' calls make about as many promises).
const contextTax = () => paired("context only", "off", (s) => s.invoke);
const report = (on: Mode, off: Mode, label: string) => {
  const cost = paired(on, off, (s) => s.invoke);
  const floor = med(on, (s) => s.floor!);
  const own = median(samples.get(on)!.map((sample, round) => sample.invoke - samples.get(off)![round]!.invoke - sample.floor!)) - contextTax();
  const aloneOwn = median(samples.get(on)!.map((sample) => sample.alone! - sample.floor!));
  console.log(
    `${label}: on − off invoke ${cost.toFixed(2)} µs = context manager ${contextTax().toFixed(2)} + SDK floor ${floor.toFixed(2)} + the package's own ${own.toFixed(2)}` +
      ` (its telemetry code alone: ${aloneOwn.toFixed(2)} over the floor; enabled − disabled in one process ${med(on, (s) => s.inProcess!).toFixed(2)}); chunk ${paired(on, off, (s) => s.chunk).toFixed(3)} µs`,
  );
};
console.log("");
report("on", "off", "this build");
if (other) {
  report("other on", "other off", "other build");
  console.log(`this − other, on: invoke ${paired("on", "other on", (s) => s.invoke).toFixed(2)} µs; off: ${paired("off", "other off", (s) => s.invoke).toFixed(2)} µs`);
}
console.log(`off − no-api: invoke ${paired("off", "no-api", (s) => s.invoke).toFixed(2)} µs`);
if (baseline) console.log(`off − baseline: invoke ${paired("off", "baseline", (s) => s.invoke).toFixed(2)} µs, no-api − baseline ${paired("no-api", "baseline", (s) => s.invoke).toFixed(2)} µs`);

// The same costs on the path a default client takes (the fused call layer, against a server), unless `--chain-only`.
if (!args.includes("--chain-only")) {
  execFileSync(process.execPath, [...process.execArgv, fileURLToPath(new URL("telemetry-fused.ts", import.meta.url)), ...args], { stdio: "inherit" });
}
