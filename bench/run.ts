// `npm run bench`: the SDK against raw grpc-js (baseline), connect-node (peer),
// bare nice-grpc (diagnostic) and the Python stack it replaces, plus open
// streams, a big batch, the first call of a fresh process and the server as a
// gateway, as ratios measured in one run; checks issue 17's targets. Writes
// bench/results.md. Length: `--quick` (2-3 minutes), default (under about 12
// minutes on 2 cores), `--long`; or BENCH_MODE=quick|long. `--only SCENARIO`
// runs one scenario alone and only prints it (single-scenario.ts).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem, type } from "node:os";
import { fileURLToPath } from "node:url";
import { generateBenchCode } from "./codegen.js";
import { bundleSize, importTargets, importTimes, loadedModules } from "./cold-start.js";
import { countJwtSignatures, jwtSignatures } from "./jwt-signatures.js";
import { measurePieces } from "./micro.js";
import { bigBatchScenario } from "./big-batch.js";
import { firstCallScenario } from "./first-call.js";
import { gatewayScenario } from "./gateway.js";
import { openStreamsScenario } from "./open-streams.js";
import { type PythonRunners, startPythonRunners } from "./python-runners.js";
import { type BenchResults, type Meta, renderReport } from "./report.js";
import { batchScenario, streamScenario, unaryScenario } from "./scenarios.js";
import { startServerProcess } from "./server-process.js";
import { runSingleScenario, SINGLE_SCENARIOS, type SingleScenario } from "./single-scenario.js";
import { prepareContenders } from "./setup.js";
import { checkTargets } from "./targets.js";
import { closedLoop } from "./measure.js";
import { BIG_BATCH_ITEMS, JWT_SECRET, OPEN_STREAMS, UNARY_WARM_UP_CALLS } from "./workload.js";

const MODES = {
  quick: {
    rounds: 2,
    streamRounds: 3,
    calls: { 1: 150, 16: 600, 64: 1200 },
    micro: { iterations: 3000, repeats: 3 },
    coldRuns: 3,
    openStreamRounds: 1,
    bigBatchRounds: 1,
    gateway: { rounds: 2, calls: { 1: 100, 32: 600 }, streams: 20 },
  },
  default: {
    rounds: 8,
    streamRounds: 21,
    calls: { 1: 400, 16: 2000, 64: 4000 },
    micro: { iterations: 20_000, repeats: 9 },
    coldRuns: 9,
    openStreamRounds: 3,
    bigBatchRounds: 5,
    gateway: { rounds: 6, calls: { 1: 300, 32: 2000 }, streams: 50 },
  },
  long: {
    rounds: 12,
    streamRounds: 41,
    calls: { 1: 600, 16: 3000, 64: 6000 },
    micro: { iterations: 50_000, repeats: 11 },
    coldRuns: 21,
    openStreamRounds: 5,
    bigBatchRounds: 9,
    gateway: { rounds: 10, calls: { 1: 500, 32: 3000 }, streams: 100 },
  },
} as const;

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const modeName = (args.find((arg) => arg === "--quick" || arg === "--long")?.slice(2) ?? process.env["BENCH_MODE"] ?? "default") as keyof typeof MODES;
const mode = MODES[modeName];
if (!mode) throw new Error(`unknown bench mode ${modeName}: use quick, default or long`);
if (!existsSync(new URL("../dist/index.js", import.meta.url))) throw new Error("dist/ is missing: run `npm run build` first (npm run bench does)");

const log = (text: string) => process.stderr.write(`[bench] ${text}\n`);
const version = (name: string) =>
  (JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), "utf8")) as { version: string }).version;
const git = (...gitArgs: string[]) => execFileSync("git", gitArgs, { cwd: root, encoding: "utf8" }).trim();

function meta(): Meta {
  const ownVersion = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
  let commit = ownVersion;
  try {
    commit = `${ownVersion} (${git("rev-parse", "--short", "HEAD")}${git("status", "--porcelain", "--untracked-files=no", "--", "src") ? ", src modified" : ""})`;
  } catch {
    // not a git checkout
  }
  const c = mode.calls;
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    mode: modeName,
    settings:
      `${mode.rounds} rounds of ${c[1]} / ${c[16]} / ${c[64]} unary calls, ${mode.streamRounds} stream and batch rounds, ` +
      `${mode.coldRuns} fresh processes per import and first call, ${mode.openStreamRounds} open-stream rounds, ${mode.bigBatchRounds} big-batch rounds, ` +
      `${mode.gateway.rounds} gateway rounds`,
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    loadAverage: loadavg().map((load) => load.toFixed(2)).join(" "),
    node: process.version,
    npm: execFileSync("npm", ["--version"], { encoding: "utf8" }).trim(),
    commit,
    versions: Object.fromEntries(
      [
        "@grpc/grpc-js",
        "nice-grpc",
        "nice-grpc-client-middleware-retry",
        "@connectrpc/connect-node",
        "@bufbuild/protobuf",
        "@bufbuild/protoc-gen-es",
        "ts-proto",
        "jose",
        "valibot",
        "esbuild",
      ].map((name) => [name, version(name)]),
    ),
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  countJwtSignatures();
  const machine = meta();
  log(`mode ${modeName}: ${machine.settings}`);
  log("generating the baseline's and the peer's code into bench/.gen");
  generateBenchCode();
  const server = await startServerProcess(JWT_SECRET, { args: ["--max-batch-items", String(BIG_BATCH_ITEMS)] });
  log(`server pid ${server.pid} on ${server.address}`);
  const contenders = await prepareContenders(server.address);
  let python: PythonRunners | undefined;
  let results: BenchResults;
  try {
    const { all, sdk, wire } = contenders;
    python = await startPythonRunners(wire, log);
    for (const contender of all) await contender.unary(); // connects; the SDK signs its token
    log(`warm-up: ${UNARY_WARM_UP_CALLS} unmeasured calls per in-process contender`);
    for (const contender of all) await closedLoop(() => contender.unary(), 16, UNARY_WARM_UP_CALLS);
    const signaturesBefore = jwtSignatures();
    const unary = [];
    for (const concurrency of [1, 16, 64] as const) {
      log(`unary, concurrency ${concurrency}`);
      unary.push(await unaryScenario(all, server, concurrency, mode.calls[concurrency], mode.rounds, { ...python.at(concurrency), sdk: sdk.name }));
    }
    await python.close();
    const jwt = { calls: unary.reduce((sum, u) => sum + u.callsPerRound * (mode.rounds + 1), 0), signatures: jwtSignatures() - signaturesBefore };
    log("stream");
    const stream = await streamScenario(all, mode.streamRounds);
    log("batch");
    const batch = await batchScenario(sdk.client, 100, mode.streamRounds);
    log(`batch of ${BIG_BATCH_ITEMS}`);
    const bigBatch = await bigBatchScenario(sdk.client, wire, BIG_BATCH_ITEMS, mode.bigBatchRounds);
    log("first call in fresh processes");
    const firstCall = await firstCallScenario(wire, mode.coldRuns);
    await contenders.close();
    await server.stop();
    log(`${OPEN_STREAMS} open streams (fresh processes)`);
    const openStreams = await openStreamsScenario(OPEN_STREAMS, mode.openStreamRounds);
    log("gateway");
    const gateway = await gatewayScenario(mode.gateway);
    log("pieces (in process)");
    const pieces = await measurePieces(mode.micro);
    log("cold start");
    const times = importTimes(mode.coldRuns);
    const baseline = times.get(importTargets[0]!.name)!;
    const cold = {
      importMs: [...times].map(([name, ms]) => ({ name, ms, ratio: ms / baseline })),
      bundles: [await bundleSize(["invoke"]), await bundleSize(["invoke", "createModelClient"])],
      loaded: loadedModules(),
    };
    results = {
      meta: machine,
      names: { baseline: all[0]!.name, sdk: sdk.name, peer: all[2]!.name, diagnostic: all[3]!.name, ...python.names },
      python: python.status,
      unary,
      jwt,
      stream,
      batch,
      pieces,
      cold,
      openStreams,
      bigBatch,
      firstCall,
      gateway,
    };
  } finally {
    await python?.close();
    await contenders.close();
    await server.stop();
  }
  const findings = new URL("./findings.md", import.meta.url);
  const report = renderReport(results, existsSync(findings) ? readFileSync(findings, "utf8").trim() : "");
  writeFileSync(new URL("./results.md", import.meta.url), report);
  process.stdout.write(`${report}\n`);
  const targets = checkTargets(results);
  const count = (status: string) => targets.filter((t) => t.status === status).length;
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s; bench/results.md written; targets met ${count("met")}, not met ${count("not met")}, skipped ${count("skipped")}`);
}

const onlyAt = args.indexOf("--only");
const only = onlyAt === -1 ? args.find((arg) => arg.startsWith("--only="))?.slice("--only=".length) : args[onlyAt + 1];
if (only !== undefined) {
  if (!SINGLE_SCENARIOS.includes(only as SingleScenario)) throw new Error(`--only ${only}: choose one of ${SINGLE_SCENARIOS.join(", ")}`);
  log(`mode ${modeName}, only ${only}`);
  await runSingleScenario(only as SingleScenario, { gateway: mode.gateway, coldRuns: mode.coldRuns }, args, log);
} else {
  await main();
}
