// What OpenTelemetry costs per invoke() on the path a default client takes:
// no middlewares, callMiddlewares or logger of the user's, so invoke() runs
// on the fused call layer over grpc-js (src/client/internal/invoke-layer.ts),
// against the reference server (offline provider) on loopback in its own
// process. bench/telemetry.ts measures the nice-grpc chain path instead (its
// client answers through a middleware of its own, without network).
//   npx tsx bench/telemetry-fused.ts [--other=OTHER_DIST] [--processes=N] [--rounds=N] [--calls=N] [--concurrency=N] [--kinds=pair,on,context,off]
// (`npm run bench:telemetry` runs it after bench/telemetry.ts, with the same arguments.)
//
// Client-process CPU per call (process.cpuUsage(): the server's work is in
// the other process), in fresh client processes of three kinds, taking turns:
// - "pair": the SDK registered (bench/telemetry-sdk.ts, NodeSDK-like), a
//   client with telemetry enabled and one with `telemetry: { enabled: false }`
//   taking turns in rounds with a third contender, the disabled client
//   followed by the SDK floor of one invoke (the span and metric records the
//   enabled client made, replayed straight on the SDK: bench/telemetry-sdk.ts)
//   after each call, each round's differences paired. enabled − replayed is
//   this package's own share inside a real call, replayed − disabled the SDK's;
//   the floor alone (outside a call) and the GC pauses of each client are
//   read there too;
// - "on": the SDK registered, one client;
// - "context": only the context manager and the propagator registered (no
//   provider), one client: what the AsyncLocalStorage context manager's
//   hooks cost every promise and async resource of a call, which "on" pays
//   too, whatever the instrumentation;
// - "off": `@opentelemetry/api` installed, no SDK registered, one client.
// On − off pairs the processes of each round (so does context − off); the
// spread across rounds and processes is the noise.
import { execFileSync } from "node:child_process";
import { PerformanceObserver } from "node:perf_hooks";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { loadSdk } from "./client-under-test.js";
import { closedLoop } from "./measure.js";
import { perCall } from "./micro.js";
import { startServerProcess } from "./server-process.js";
import { median, roundOrder } from "./stats.js";
import { registerSdk, sdkFloor } from "./telemetry-sdk.js";
import { JWT_SECRET, unaryRequest } from "./workload.js";

const args = process.argv.slice(2);
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const numberOption = (name: string, fallback: number) => Number(option(name) ?? fallback);

type Kind = "pair" | "on" | "context" | "off";

/** One client process's readings, µs per call, per round. */
interface Sample {
  /** The enabled client's CPU ("pair", "on") or the only client's ("context", "off"). */
  enabled: number[];
  /** "pair" only: the disabled client's CPU, measured next to the enabled one. */
  disabled: number[];
  /** "pair" only: the disabled client with the SDK floor replayed after each call, beside them. */
  replayed: number[];
  /** "pair" only: GC pause time per call of the enabled and the disabled client. */
  gcEnabled: number[];
  gcDisabled: number[];
  /** "pair" only: the SDK floor alone, outside a call. */
  floor?: number;
}

const SELF = fileURLToPath(import.meta.url);

/** GC pause time (µs) while `run` ran. */
async function withGcTime<T>(run: () => Promise<T>): Promise<[T, number]> {
  let micros = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) micros += entry.duration * 1000;
  });
  observer.observe({ entryTypes: ["gc"] });
  const result = await run();
  // GC entries are delivered asynchronously: let the last ones arrive.
  await new Promise((resolve) => setImmediate(resolve));
  observer.disconnect();
  return [result, micros];
}

async function measure(kind: Kind, dist: string, address: string): Promise<Sample> {
  const sdk = kind === "off" ? undefined : await registerSdk(kind !== "context");
  // The context manager as an application's own instrumentation leaves it: in
  // use (AsyncLocalStorage hooks every promise only once a context was
  // entered; the span batch's first export would enter one mid-run).
  sdk?.api.context.with(sdk.api.context.active(), () => {});
  const tamar = await loadSdk(pathToFileURL(`${resolve(dist)}/`));
  const clientOf = (enabled: boolean) =>
    tamar.createModelClient({ address, jwtSecretKey: JWT_SECRET, useTls: false, env: {}, envFile: false, ...(enabled ? {} : { telemetry: { enabled: false } }) });
  const calls = numberOption("calls", 2000);
  const concurrency = numberOption("concurrency", 8);
  const rounds = numberOption("rounds", 8);
  const enabled = clientOf(true);
  const disabled = kind === "pair" ? clientOf(false) : undefined;
  const run = async (call: () => Promise<unknown>) => {
    const [sample, gc] = await withGcTime(() => closedLoop(() => call().then(() => {}), concurrency, calls));
    return { cpu: sample.cpuMicrosPerCall, gc: gc / calls };
  };
  const callEnabled = () => tamar.invoke(enabled, unaryRequest);
  // Warm-up: connections, the JWT, the JIT.
  await run(callEnabled);
  const sample: Sample = { enabled: [], disabled: [], replayed: [], gcEnabled: [], gcDisabled: [] };
  if (disabled === undefined) {
    for (let round = 0; round < rounds; round++) sample.enabled.push((await run(callEnabled)).cpu);
  } else {
    const callDisabled = () => tamar.invoke(disabled, unaryRequest);
    await run(callDisabled);
    // What the enabled client's calls recorded so far: the warm-up's.
    const floor = await sdkFloor(sdk!, calls);
    const callReplayed = () => callDisabled().then(floor);
    await run(callReplayed);
    const contenders = [
      async () => {
        const { cpu, gc } = await run(callEnabled);
        sample.enabled.push(cpu);
        sample.gcEnabled.push(gc);
      },
      async () => {
        const { cpu, gc } = await run(callDisabled);
        sample.disabled.push(cpu);
        sample.gcDisabled.push(gc);
      },
      async () => void sample.replayed.push((await run(callReplayed)).cpu),
    ];
    for (let round = 0; round < rounds; round++) {
      for (const index of roundOrder(contenders.length, round)) await contenders[index]!();
    }
    sample.floor = await perCall(floor, { iterations: 20_000, repeats: 5 });
  }
  await enabled.close();
  await disabled?.close();
  return sample;
}

const child = option("child");
if (child) {
  const [kind, dist, address] = child.split(",") as [Kind, string, string];
  console.log(JSON.stringify(await measure(kind, dist, address)));
  process.exit(0);
}

const ownDist = fileURLToPath(new URL("../dist", import.meta.url));
const other = option("other");
const builds: Array<[string, string]> = [["this build", ownDist], ...(other ? ([["other build", resolve(other)]] as Array<[string, string]>) : [])];
const kinds = (option("kinds")?.split(",") ?? ["pair", "on", "context", "off"]) as Kind[];
const processes = numberOption("processes", 3);
const passOn = args.filter((arg) => /^--(calls|concurrency|rounds)=/.test(arg));
const server = await startServerProcess(JWT_SECRET);
const samples = new Map<string, Sample[]>();
try {
  for (let round = 0; round < processes; round++) {
    // Rotated each round, so no build or kind always runs first.
    const jobs = builds.flatMap(([label, dist]) => kinds.map((kind) => [label, dist, kind] as const));
    for (let index = 0; index < jobs.length; index++) {
      const [label, dist, kind] = jobs[(index + round) % jobs.length]!;
      const out = execFileSync(process.execPath, [...process.execArgv, SELF, `--child=${kind},${dist},${server.address}`, ...passOn], { encoding: "utf8" });
      const key = `${label} ${kind}`;
      samples.set(key, [...(samples.get(key) ?? []), JSON.parse(out.trim().split("\n").at(-1)!) as Sample]);
    }
  }
} finally {
  await server.stop();
}

const spread = (values: number[]) => `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;
const cell = (values: number[]) => (values.length === 0 ? "—" : `${median(values).toFixed(1)} (${spread(values)})`);
const differences = (a: number[], b: number[]) => a.map((value, index) => value - b[index]!);
const of = (label: string, kind: Kind) => samples.get(`${label} ${kind}`) ?? [];
const everyRound = (list: Sample[], read: (sample: Sample) => number[]) => list.flatMap(read);
// Each process's median, paired by round with the process of the other kind that ran beside it.
const acrossProcesses = (label: string, a: Kind, b: Kind) => {
  const others = of(label, b);
  return of(label, a).flatMap((sample, round) => (others[round] ? [median(sample.enabled) - median(others[round].enabled)] : []));
};
console.log(
  `\nFused path (default client, loopback server in another process, ${numberOption("concurrency", 8)} calls in flight): client-process CPU µs per invoke();` +
    ` ${processes} processes per kind; median (min–max) over every round of every process, or over processes for the fresh-process rows`,
);
console.log(
  "| build | enabled − disabled, one process | of which the SDK's work (replayed − disabled) | of which this package's (enabled − replayed) | enabled | disabled | GC pauses enabled − disabled | SDK floor alone | on − off | on − context | context − off | on | context | off |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const [label] of builds) {
  const pairs = of(label, "pair");
  console.log(
    `| ${label} | **${cell(everyRound(pairs, (s) => differences(s.enabled, s.disabled)))}** | ${cell(everyRound(pairs, (s) => differences(s.replayed, s.disabled)))}` +
      ` | ${cell(everyRound(pairs, (s) => differences(s.enabled, s.replayed)))} | ${cell(everyRound(pairs, (s) => s.enabled))} | ${cell(everyRound(pairs, (s) => s.disabled))}` +
      ` | ${cell(everyRound(pairs, (s) => differences(s.gcEnabled, s.gcDisabled)))} | ${cell(pairs.map((s) => s.floor!))}` +
      ` | ${cell(acrossProcesses(label, "on", "off"))} | ${cell(acrossProcesses(label, "on", "context"))} | ${cell(acrossProcesses(label, "context", "off"))}` +
      ` | ${cell(everyRound(of(label, "on"), (s) => s.enabled))} | ${cell(everyRound(of(label, "context"), (s) => s.enabled))} | ${cell(everyRound(of(label, "off"), (s) => s.enabled))} |`,
  );
}
if (other && kinds.includes("pair")) {
  const pairDifference = (label: string) => of(label, "pair").map((s) => median(differences(s.enabled, s.disabled)));
  console.log(`\nthis − other, enabled − disabled (each process's median, paired by round): ${cell(differences(pairDifference("this build"), pairDifference("other build")))} µs`);
}
