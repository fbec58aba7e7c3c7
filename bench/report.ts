// Turns one run's results into bench/results.md (and the console table):
// machine, versions, the targets, one table per scenario, and what the
// diagnostic contender says about where the time goes.
import type { BigBatchResult } from "./big-batch.js";
import type { BundleSize, LoadedModules } from "./cold-start.js";
import type { FirstCallResult } from "./first-call.js";
import type { GatewayResult } from "./gateway.js";
import type { Pieces } from "./micro.js";
import type { OpenStreamsResult } from "./open-streams.js";
import type { BatchResult, Row, StreamResult, UnaryResult } from "./scenarios.js";
import { checkEarlierTargets, checkTargets, row, type TargetCheck } from "./targets.js";
import { UNARY_WARM_UP_CALLS } from "./workload.js";

export interface Meta {
  date: string;
  mode: string;
  settings: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  loadAverage: string;
  node: string;
  npm: string;
  commit: string;
  versions: Record<string, string>;
}

export interface ColdStart {
  importMs: Array<{ name: string; ms: number; ratio: number }>;
  bundles: BundleSize[];
  loaded: LoadedModules;
}

export interface BenchResults {
  meta: Meta;
  /** Names of the contenders as they appear in the rows (the Python ones also when skipped). */
  names: { sdk: string; baseline: string; peer: string; diagnostic: string; pythonAio: string; pythonSync: string };
  /** The Python used for the Python contenders and its grpcio / PyJWT versions, or why they were skipped. */
  python: string;
  unary: UnaryResult[];
  /** JWT signatures the SDK made during the unary scenario, after its first call. */
  jwt: { calls: number; signatures: number };
  stream: StreamResult;
  batch: BatchResult;
  pieces: Pieces;
  cold: ColdStart;
  openStreams: OpenStreamsResult;
  bigBatch: BigBatchResult;
  firstCall: FirstCallResult;
  gateway: GatewayResult;
}

const x = (ratio: number) => `${ratio.toFixed(2)}×`;
const num = (value: number, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }) : "n/a";
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
const statusCell = (t: TargetCheck) => (t.status === "met" ? "met" : t.status === "skipped" ? "skipped" : "**not met**");
const targetTable = (checks: TargetCheck[]) =>
  checks.some((t) => t.floor !== undefined)
    ? table(["measure", "target", "measured", "status", "the fixed stack alone, same run"], checks.map((t) => [t.target, t.threshold, t.measured, statusCell(t), t.floor ?? "—"]))
    : table(["measure", "target", "measured", "status"], checks.map((t) => [t.target, t.threshold, t.measured, statusCell(t)]));

const numeric = /^(-?[\d,.]+(×| KB)?|n\/a)$/;

/** A markdown table; columns holding only numbers are right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const align = header.map((_, column) => (rows.every((cells) => numeric.test(cells[column] ?? "")) ? "---:" : "---"));
  return [line(header), line(align), ...rows.map(line)].join("\n");
}

const label = (r: Row<string>) => (r.diagnostic ? `${r.name} *(diagnostic)*` : r.name);

function unaryTable(u: UnaryResult): string {
  return table(
    ["contender", "p50 ms", "× raw", "p99 ms", "× raw", "req/s", "× raw", "client CPU µs/call", "× raw", "server CPU µs/call"],
    u.rows.map((r) => {
      const m = r.metrics;
      return [
        label(r),
        num(m.p50Ms.median, 3),
        x(m.p50Ms.ratio),
        num(m.p99Ms.median, 3),
        x(m.p99Ms.ratio),
        num(m.perSecond.median),
        x(m.perSecond.ratio),
        num(m.clientCpu.median),
        x(m.clientCpu.ratio),
        num(m.serverCpu.median),
      ];
    }),
  );
}

function streamTable(s: StreamResult): string {
  return table(
    ["contender", "first chunk ms", "× raw", "chunks/s", "× raw", "client CPU µs/chunk", "× raw"],
    s.rows.map((r) => {
      const m = r.metrics;
      return [label(r), num(m.firstChunkMs.median, 2), x(m.firstChunkMs.ratio), num(m.chunksPerSecond.median), x(m.chunksPerSecond.ratio), num(m.clientCpu.median, 1), x(m.clientCpu.ratio)];
    }),
  );
}

/** What the diagnostic contender (nice-grpc with no middleware) says about the SDK's distance to raw grpc-js. */
function whereTheTimeGoes(results: BenchResults): string {
  const { sdk, diagnostic, baseline } = results.names;
  const lines = results.unary.map((u) => {
    const own = row(u.rows, sdk).metrics;
    const bare = row(u.rows, diagnostic).metrics;
    const raw = row(u.rows, baseline).metrics;
    return (
      `- c=${u.concurrency}: nice-grpc with no middleware is at ${x(bare.p50Ms.ratio)} raw p50 and ${x(bare.perSecond.ratio)} raw req/s; ` +
      `the SDK is at ${x(own.p50Ms.ratio)} / ${x(own.perSecond.ratio)}. Client CPU per call: raw ${num(raw.clientCpu.median)} µs, ` +
      `nice-grpc alone ${num(bare.clientCpu.median)} µs (+${num(bare.clientCpu.median - raw.clientCpu.median)}), ` +
      `SDK ${num(own.clientCpu.median)} µs (+${num(own.clientCpu.median - bare.clientCpu.median)} over nice-grpc alone); ` +
      `the server spends ${num(raw.serverCpu.median)} µs per call.`
    );
  });
  const whole = results.pieces.results.find((p) => p.name.startsWith("whole"))!;
  const bareMicro = results.pieces.results.find((p) => p.name.startsWith("nice-grpc client"))!;
  const s = row(results.stream.rows, sdk).metrics;
  const sb = row(results.stream.rows, diagnostic).metrics;
  return [
    ...lines,
    `- In process, without transport (the chain path, table 4), the SDK's whole \`invoke()\` costs ${num(whole.micros, 1)} µs of CPU against ${num(bareMicro.micros, 1)} µs for a bare nice-grpc call (table 4 splits it).`,
    `- Streams: nice-grpc alone reads ${x(sb.chunksPerSecond.ratio)} raw chunks/s at ${num(sb.clientCpu.median, 1)} µs of client CPU per chunk; the SDK ${x(s.chunksPerSecond.ratio)} at ${num(s.clientCpu.median, 1)} µs.`,
    "- Client and server share 2 cores, so throughput at c=64 is bound by client + server CPU per call: a ratio to raw grpc-js can only reach 0.90 if the client's extra CPU per call stays under about a tenth of raw's client + server CPU.",
  ].join("\n");
}

/** Says when a run's numbers cannot stand for the targets: a quick run, or a machine busy with other work. */
function caveats(meta: Meta): string {
  const load = Number(meta.loadAverage?.split(" ")[0]);
  const notes = [
    ...(meta.mode === "quick" ? ["**A quick run** (`--quick`: few rounds, small samples): its numbers show the harness works, not where the targets stand."] : []),
    ...(load > meta.cores ? [`**A loaded machine:** load average ${load.toFixed(2)} on ${meta.cores} cores at the start; other processes took CPU from both sides.`] : []),
  ];
  return notes.map((note) => `${note}\n\n`).join("");
}

/** The SDK against each out-of-process contender, and the contenders skipped at this concurrency. */
function versusLines(u: UnaryResult, sdk: string): string {
  const lines = [
    ...u.versus.map((v) => `- ${sdk} / ${v.name} (paired per round): p50 ${x(v.ratios.p50Ms)}, p99 ${x(v.ratios.p99Ms)}, req/s ${x(v.ratios.perSecond)}`),
    ...u.skipped.map((s) => `- ${s.name}: skipped: ${s.reason}`),
  ];
  return lines.length > 0 ? `\n\n${lines.join("\n")}` : "";
}

function openStreamsSection(o: OpenStreamsResult): string {
  return `## 6. ${num(o.streams)} streams open at once through one client

Each contender in a fresh \`node --expose-gc\` per round (taking turns) opens ${num(o.streams)} streams of ${o.chunksPerStream} messages
on one client; the server (its own process) pauses ${o.chunkDelayMs} ms before each text chunk, so the streams stay open.
Heap per open stream: \`heapUsed\` after every stream has its first chunk minus before the first was opened, both after
a full GC, divided by the streams (fewest still open at that moment in any run: ${num(o.fewestOpenAtMeasurement)} of ${num(o.streams)}).
Client CPU per chunk: the process's CPU from the first stream opened to the last one ended, less the forced GC, per message.

${table(
  ["contender", "client CPU µs/chunk", "× raw", "heap KiB per open stream", "× raw", "wall ms", "× raw"],
  o.rows.map((r) => {
    const m = r.metrics;
    return [label(r), num(m.cpuPerChunk.median, 1), x(m.cpuPerChunk.ratio), num(m.heapPerStream.median / 1024, 1), x(m.heapPerStream.ratio), num(m.wallMs.median), x(m.wallMs.ratio)];
  }),
)}`;
}

function bigBatchSection(b: BigBatchResult): string {
  return `## 7. Batch of ${num(b.items)} items: \`invokeBatch\` vs raw grpc-js

Raw grpc-js sends the message the SDK builds for the same request (built once, before the rounds) through ts-proto's
grpc-js client and decodes the answer; the SDK validates and builds the request, parses each answer's JSON and matches
answers by custom id. The server runs with \`--max-batch-items ${b.items}\`.

${table(
  ["contender", "wall ms", "× raw", "client CPU µs/item", "× raw"],
  b.rows.map((r) => [label(r), num(r.metrics.wallMs.median, 1), x(r.metrics.wallMs.ratio), num(r.metrics.clientCpuPerItem.median, 1), x(r.metrics.clientCpuPerItem.ratio)]),
)}`;
}

export function firstCallSection(f: FirstCallResult): string {
  return `## 8. First completed call in a fresh process

Import, create a client, sign a token, one unary \`invoke\` to its answer, timed from the script's first line (Node's own
start-up, the same for both, left out). Raw grpc-js: ts-proto's grpc-js client compiled file by file to plain JS, an HS256
token from \`node:crypto\`. Median of ${f.runs} fresh processes per way, taking turns.

${table(["way", "ms", "× raw"], f.rows.map((r) => [label(r), num(r.metrics.ms.median, 1), x(r.metrics.ms.ratio)]))}`;
}

export function gatewaySection(g: GatewayResult): string {
  const [direct, ...through] = g.stream as [Row<"firstChunkMs">, ...Row<"firstChunkMs">[]];
  return `## 9. The reference server as a gateway

The SDK → reference server (its own process, the openai provider with \`OPENAI_BASE_URL\` on the fake) → a loopback fake
OpenAI (bench/fake-openai.ts, its own process, chat completions JSON and SSE) → back, against the \`openai\` SDK calling the
same fake directly. The floor row is raw grpc-js sending the SDK's bytes through the barest gateway this stack allows
(bench/bare-gateway-server.ts: a plain grpc-js server handing \`extra\` to the \`openai\` SDK over the reference server's
node:http fetch, with no auth, validation, routing, dedup, logging or telemetry): what it adds is the stack's, and what
the reference server adds over it is the server's own. Each way first makes ${num(g.warmUp.calls)} calls and ${num(g.warmUp.streams)} streams unmeasured (JIT warm-up of a long-running server). ${g.settings.rounds} rounds; ${num(g.settings.calls[1])} calls per round at c=1, ${num(g.settings.calls[32])} at c=32.
"Added" is the difference of two medians, a way's minus the direct one's; server CPU is the gateway server's per call.

${g.unary
  .map(
    (u) => `### Concurrency ${u.concurrency}

${table(
  ["way", "p50 ms", "p99 ms", "req/s", "× direct", "client CPU µs/call", "server CPU µs/call"],
  u.rows.map((r) => {
    const m = r.metrics;
    return [label(r), num(m.p50Ms.median, 3), num(m.p99Ms.median, 3), num(m.perSecond.median), x(m.perSecond.ratio), num(m.clientCpu.median), num(m.serverCpu.median)];
  }),
)}`,
  )
  .join("\n\n")}

### Time to the first stream chunk at c=1 (median of ${g.settings.streams} streams per round)

${table(["way", "first chunk ms"], g.stream.map((r) => [label(r), num(r.metrics.firstChunkMs.median, 3)]))}

Added to the first chunk: ${through.map((r) => `${label(r)} ${num(r.metrics.firstChunkMs.median - direct.metrics.firstChunkMs.median, 3)} ms`).join("; ")}.`;
}

export function renderReport(results: BenchResults, analysis = ""): string {
  const { meta } = results;
  const targets = checkTargets(results);
  const earlier = checkEarlierTargets(results);
  const versions = Object.entries(meta.versions).map(([name, version]) => `${name} ${version}`).join(", ");
  const coldRows = results.cold.importMs.map((i) => [i.name, num(i.ms, 1), x(i.ratio)]);
  const bundleRows = results.cold.bundles.map((b) => [
    `\`${b.exports}\``,
    kb(b.ownBytes),
    kb(b.generatedBytes),
    kb(b.ownBytes - b.generatedBytes),
    b.largest.map(([path, bytes]) => `${path.replace(/^src\//, "").replace(/\.ts$/, ".js")} ${kb(bytes)}`).join(", "),
  ]);
  return `# Benchmark results

Written by \`npm run bench\` (bench/run.ts); every run replaces this file. One run on a shared, noisy
2-core machine: each number is a median over rounds, each ratio the median of per-round ratios against
the raw grpc-js baseline measured in the same round (contenders interleaved, order rotating per round).

- **Date:** ${meta.date} · **mode:** ${meta.mode} (${meta.settings})
- **Machine:** ${meta.cpu}, ${meta.cores} cores, ${meta.memoryGiB} GiB, ${meta.os}; load average at start ${meta.loadAverage}
- **Runtime:** Node ${meta.node}, npm ${meta.npm}; tamar-model-client ${meta.commit}
- **Packages:** ${versions}

${caveats(meta)}## Targets (issue 17)

${targetTable(targets)}

Python contenders: ${results.python}.

Earlier checks (issue 5) that no row above restates:

${targetTable(earlier)}

## 1. Unary \`invoke\` (JWT, validation, request id, deadline, retries on)

The server (reference CLI, offline provider, no chunk delay) runs in its own process on 127.0.0.1.
Every contender sends the same request bytes (checked), a JWT for the same tenant and an
\`x-request-id\`; the unary calls carry the SDK's default 30 s deadline (\`grpc-timeout\`). Before the rounds each
in-process contender makes ${UNARY_WARM_UP_CALLS.toLocaleString("en-US")} unmeasured calls at c=16, so that neither the server nor a client is
still compiling its hot paths when the measured calls start.

The Python contenders (python_grpc_client.py, in their own process) send the same encoded request through a
generic unary-stream call and sign a PyJWT token per request, as the original client does; their client CPU
is their own process's. grpc.aio runs at c=16 and c=64, sync grpcio at c=1.

${results.unary.map((u) => `### Concurrency ${u.concurrency} (${num(u.callsPerRound)} calls per contender per round)\n\n${unaryTable(u)}${versusLines(u, results.names.sdk)}`).join("\n\n")}

JWT signatures by the SDK during these calls (after its first): **${results.jwt.signatures}** in ${num(results.jwt.calls)} calls.

## 2. Stream of ${num(results.stream.messages)} messages (${num(results.stream.messages - 1)} one-word chunks + the usage chunk)

${streamTable(results.stream)}

## 3. Batch of ${results.batch.items} items

${table(
  ["way (both through the SDK)", "wall ms", `× ${results.batch.rows[0]!.name}`],
  results.batch.rows.map((r) => [r.name, num(r.metrics.wallMs.median, 1), x(r.metrics.wallMs.ratio)]),
)}

## 4. Per-call CPU of the pieces (in process, no network)

${table(["piece", "CPU µs per call"], results.pieces.results.map((p) => [p.name.replace(/^ {2}/, "↳ "), num(p.micros, 2)]))}

Middleware rows drive one middleware over a call whose \`next()\` answers at once; the pass-through row is
the cost of any middleware layer. The client's chain sets all its headers of an attempt in one
attempt-metadata middleware; the standalone rows are the exported one-header middlewares, for users who
build their own chain. The whole-call rows answer through a user middleware in place of the network, so they
measure the nice-grpc chain path that clients with middlewares of their own take; a client without any takes
the fused layer over grpc-js, which only the end-to-end tables above measure. JWT signatures per call in steady state: **${results.pieces.signaturesPerCall}**
(${num(results.pieces.signedCalls)} calls through the token-sending middlewares and the whole \`invoke()\`).

## 5. Cold start

Import time of the entry in a fresh \`node\` (median of fresh processes, taking turns):

${table(["import", "ms", "× @grpc/grpc-js"], coldRows)}

Minified size of this package's own code in an esbuild bundle (tree-shaken, \`--minify\`, dependencies external):

${table(["exports bundled", "own code", "of which src/gen", "hand-written", "largest modules"], bundleRows)}

Importing the built client entry loads ${results.cold.loaded.count} modules; server or provider-SDK modules among them:
**${results.cold.loaded.forbidden.length === 0 ? "none" : results.cold.loaded.forbidden.join(", ")}**.

${openStreamsSection(results.openStreams)}

${bigBatchSection(results.bigBatch)}

${firstCallSection(results.firstCall)}

${gatewaySection(results.gateway)}

## Where the time goes (from this run's numbers)

${whereTheTimeGoes(results)}
${analysis ? `\n${analysis}\n` : ""}`;
}
