// Turns one run's results into bench/results.md (and the console table):
// machine, versions, the targets, one table per scenario, and what the
// diagnostic contender says about where the time goes.
import type { BundleSize, LoadedModules } from "./cold-start.js";
import type { Pieces } from "./micro.js";
import type { BatchResult, Metric, Row, StreamResult, UnaryResult } from "./scenarios.js";

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
  /** Names of the SDK, baseline, peer and diagnostic contenders as they appear in the rows. */
  names: { sdk: string; baseline: string; peer: string; diagnostic: string };
  unary: UnaryResult[];
  /** JWT signatures the SDK made during the unary scenario, after its first call. */
  jwt: { calls: number; signatures: number };
  stream: StreamResult;
  batch: BatchResult;
  pieces: Pieces;
  cold: ColdStart;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

const OWN_CODE_BUDGET = 25_000;

const x = (ratio: number) => `${ratio.toFixed(2)}×`;
const num = (value: number, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }) : "n/a";
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

function row<K extends string>(rows: Row<K>[], name: string): Row<K> {
  const found = rows.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no row ${name}`);
  return found;
}

const at = (results: BenchResults, concurrency: number) => results.unary.find((u) => u.concurrency === concurrency)!;

/** Ratio of `a` to `b` on the same metric: both are paired ratios to the same baseline. */
const between = (a: Metric, b: Metric) => a.ratio / b.ratio;

/** Every target of issue 5, measured. */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const { sdk, peer } = results.names;
  const c1 = at(results, 1);
  const c64 = at(results, 64);
  const p50 = row(c1.rows, sdk).metrics.p50Ms.ratio;
  const rps = row(c64.rows, sdk).metrics.perSecond.ratio;
  const chunks = row(results.stream.rows, sdk).metrics.chunksPerSecond.ratio;
  // Faster than the peer on the same work: lower latency, more calls and chunks per second.
  const versusPeer = [
    ...results.unary.flatMap((u) => [
      { what: `p50 c=${u.concurrency}`, better: between(row(u.rows, sdk).metrics.p50Ms, row(u.rows, peer).metrics.p50Ms) < 1 },
      { what: `req/s c=${u.concurrency}`, better: between(row(u.rows, sdk).metrics.perSecond, row(u.rows, peer).metrics.perSecond) > 1 },
    ]),
    { what: "chunks/s", better: between(row(results.stream.rows, sdk).metrics.chunksPerSecond, row(results.stream.rows, peer).metrics.chunksPerSecond) > 1 },
  ];
  const invokeOnly = results.cold.bundles[0]!;
  return [
    { target: "`invoke` p50 at c=1 ≤ 1.10× raw grpc-js", measured: x(p50), met: p50 <= 1.1 },
    { target: "`invoke` req/s at c=64 ≥ 0.90× raw grpc-js", measured: x(rps), met: rps >= 0.9 },
    { target: "stream chunks/s ≥ 0.95× raw grpc-js", measured: x(chunks), met: chunks >= 0.95 },
    {
      target: "faster than connect-node on the same work",
      measured: `${versusPeer.filter((c) => c.better).length} of ${versusPeer.length} (${versusPeer.filter((c) => !c.better).map((c) => c.what).join(", ") || "all better"})`,
      met: versusPeer.every((c) => c.better),
    },
    {
      target: `own code in the \`${invokeOnly.exports}\` bundle ≤ 25 KB minified`,
      measured: kb(invokeOnly.ownBytes),
      met: invokeOnly.ownBytes <= OWN_CODE_BUDGET,
    },
    {
      target: "JWT: zero signatures per call in steady state",
      measured: `${results.jwt.signatures} in ${num(results.jwt.calls)} end-to-end calls; ${results.pieces.signaturesPerCall} per call in ${num(results.pieces.signedCalls)} in-process calls`,
      met: results.jwt.signatures === 0 && results.pieces.signaturesPerCall === 0,
    },
    {
      target: "the client entry loads no server or provider-SDK module",
      measured: results.cold.loaded.forbidden.length === 0 ? `none of ${results.cold.loaded.count} modules` : results.cold.loaded.forbidden.join(", "),
      met: results.cold.loaded.forbidden.length === 0,
    },
  ];
}

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
    `- In process, without transport, the SDK's whole \`invoke()\` costs ${num(whole.micros, 1)} µs of CPU against ${num(bareMicro.micros, 1)} µs for a bare nice-grpc call (table 4 splits it).`,
    `- Streams: nice-grpc alone reads ${x(sb.chunksPerSecond.ratio)} raw chunks/s at ${num(sb.clientCpu.median, 1)} µs of client CPU per chunk; the SDK ${x(s.chunksPerSecond.ratio)} at ${num(s.clientCpu.median, 1)} µs.`,
    "- Client and server share 2 cores, so throughput at c=64 is bound by client + server CPU per call: a ratio to raw grpc-js can only reach 0.90 if the client's extra CPU per call stays under about a tenth of raw's client + server CPU.",
  ].join("\n");
}

export function renderReport(results: BenchResults, analysis = ""): string {
  const { meta } = results;
  const targets = checkTargets(results);
  const versions = Object.entries(meta.versions).map(([name, version]) => `${name} ${version}`).join(", ");
  const coldRows = results.cold.importMs.map((i) => [i.name, num(i.ms, 1), x(i.ratio)]);
  const bundleRows = results.cold.bundles.map((b) => [
    `\`${b.exports}\``,
    kb(b.ownBytes),
    kb(b.generatedBytes),
    kb(b.ownBytes - b.generatedBytes),
    b.largest.map(([path, bytes]) => `${path.replace(/^dist\//, "")} ${kb(bytes)}`).join(", "),
  ]);
  return `# Benchmark results

Written by \`npm run bench\` (bench/run.ts); every run replaces this file. One run on a shared, noisy
2-core machine: each number is a median over rounds, each ratio the median of per-round ratios against
the raw grpc-js baseline measured in the same round (contenders interleaved, order rotating per round).

- **Date:** ${meta.date} · **mode:** ${meta.mode} (${meta.settings})
- **Machine:** ${meta.cpu}, ${meta.cores} cores, ${meta.memoryGiB} GiB, ${meta.os}; load average at start ${meta.loadAverage}
- **Runtime:** Node ${meta.node}, npm ${meta.npm}; tamar-model-client ${meta.commit}
- **Packages:** ${versions}

## Targets

${table(["target", "measured", "met"], targets.map((t) => [t.target, t.measured, t.met ? "yes" : "**no**"]))}

## 1. Unary \`invoke\` (JWT, validation, request id, deadline, retries on)

The server (reference CLI, offline provider, no chunk delay) runs in its own process on 127.0.0.1.
Every contender sends the same request bytes (checked), a JWT for the same tenant and an
\`x-request-id\`; the unary calls carry the SDK's default 30 s deadline (\`grpc-timeout\`).

${results.unary.map((u) => `### Concurrency ${u.concurrency} (${num(u.callsPerRound)} calls per contender per round)\n\n${unaryTable(u)}`).join("\n\n")}

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
build their own chain. JWT signatures per call in steady state: **${results.pieces.signaturesPerCall}**
(${num(results.pieces.signedCalls)} calls through the token-sending middlewares and the whole \`invoke()\`).

## 5. Cold start

Import time of the entry in a fresh \`node\` (median of fresh processes, taking turns):

${table(["import", "ms", "× @grpc/grpc-js"], coldRows)}

Minified size of this package's own code in an esbuild bundle (tree-shaken, \`--minify\`, dependencies external):

${table(["exports bundled", "own code", "of which src/gen", "hand-written", "largest modules"], bundleRows)}

Importing the built client entry loads ${results.cold.loaded.count} modules; server or provider-SDK modules among them:
**${results.cold.loaded.forbidden.length === 0 ? "none" : results.cold.loaded.forbidden.join(", ")}**.

## Where the time goes (from this run's numbers)

${whereTheTimeGoes(results)}
${analysis ? `\n${analysis}\n` : ""}`;
}
