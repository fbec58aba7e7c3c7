// `npm run bench -- --only gateway|first-call|import`: one scenario alone, its
// table and its targets on stdout; bench/results.md is left as it is.
// `--other=DIST` (repeatable) adds another build's `dist/` as more rows,
// interleaved with this build's: the gateway scenario starts its server too,
// first-call imports its client entry. `--server-cpu-prof=DIR` runs the
// gateway servers under `node --cpu-prof` (profiles written when they stop).
import { basename, dirname, join, resolve } from "node:path";
import { generateBenchCode } from "./codegen.js";
import { importTargets, importTimes } from "./cold-start.js";
import { firstCallScenario } from "./first-call.js";
import { gatewayScenario, type GatewaySettings } from "./gateway.js";
import { firstCallSection, gatewaySection, table } from "./report.js";
import { startServerProcess } from "./server-process.js";
import { buildWireSetup } from "./setup.js";
import { tamarClient } from "./contenders/tamar-client.js";
import { JWT_SECRET } from "./workload.js";

export const SINGLE_SCENARIOS = ["gateway", "first-call", "import"] as const;
export type SingleScenario = (typeof SINGLE_SCENARIOS)[number];

export interface SingleSettings {
  gateway: Omit<GatewaySettings, "otherServers" | "serverNodeArgs">;
  coldRuns: number;
}

const value = (args: readonly string[], name: string) =>
  args.filter((arg) => arg.startsWith(`--${name}=`)).map((arg) => arg.slice(name.length + 3));

/** A name for another build's dist/: its checkout's directory name. */
const buildName = (dist: string) => basename(dirname(resolve(dist)));

const signed = (value: number) => `${value >= 0 ? "+" : ""}${value.toFixed(3)}`;

export async function runSingleScenario(scenario: SingleScenario, settings: SingleSettings, args: readonly string[], log: (text: string) => void): Promise<void> {
  const others = value(args, "other").map((dist) => ({ name: buildName(dist), dist: resolve(dist) }));
  if (scenario === "gateway") {
    const profileDir = value(args, "server-cpu-prof")[0];
    log(`gateway${others.length ? `, also ${others.map((o) => o.name).join(", ")}` : ""}`);
    const result = await gatewayScenario({
      ...settings.gateway,
      otherServers: others.map((other) => ({ name: other.name, cli: join(other.dist, "server", "cli.js") })),
      ...(profileDir ? { serverNodeArgs: ["--cpu-prof", `--cpu-prof-dir=${resolve(profileDir)}`] } : {}),
    });
    process.stdout.write(`${gatewaySection(result)}\n\n`);
    const [direct, ...through] = result.unary.find((u) => u.concurrency === 1)!.rows;
    const c32 = result.unary.find((u) => u.concurrency === 32)!.rows;
    const [firstDirect, ...firsts] = result.stream;
    process.stdout.write(
      `${table(
        ["way", "added p50 ms (≤ 0.35)", "added p99 ms (≤ 1.0)", "req/s c=32 × direct (≥ 0.75)", "added first chunk ms (≤ 0.5)"],
        through.map((row, index) => [
          row.name,
          signed(row.metrics.p50Ms.median - direct!.metrics.p50Ms.median),
          signed(row.metrics.p99Ms.median - direct!.metrics.p99Ms.median),
          `${c32[index + 1]!.metrics.perSecond.ratio.toFixed(2)}×`,
          signed(firsts[index]!.metrics.firstChunkMs.median - firstDirect!.metrics.firstChunkMs.median),
        ]),
      )}\n`,
    );
    return;
  }
  if (scenario === "import") {
    for (const other of others) importTargets.push({ name: `${other.name} build entry`, specifier: join(other.dist, "index.js") });
    const times = importTimes(settings.coldRuns);
    const baseline = times.get(importTargets[0]!.name)!;
    process.stdout.write(`${table(["import", "ms", "× baseline"], [...times].map(([name, ms]) => [name, ms.toFixed(1), `${(ms / baseline).toFixed(2)}×`]))}\n`);
    return;
  }
  generateBenchCode();
  const server = await startServerProcess(JWT_SECRET);
  try {
    const sdk = tamarClient(server.address);
    const timeoutMs = sdk.client.settings.invokeTimeoutMs;
    await sdk.close();
    const wire = await buildWireSetup(server.address, timeoutMs);
    log(`first call in fresh processes${others.length ? `, also ${others.map((o) => o.name).join(", ")}` : ""}`);
    const result = await firstCallScenario(wire, settings.coldRuns, others.map((other) => ({ name: other.name, entry: join(other.dist, "index.js") })));
    process.stdout.write(`${firstCallSection(result)}\n\nTarget: ≤ 1.20× raw grpc-js.\n`);
  } finally {
    await server.stop();
  }
}
