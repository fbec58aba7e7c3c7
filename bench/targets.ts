// The targets of issue 17, each checked against one run's numbers, and the
// earlier checks of issue 5 that no row of issue 17 replaces.
import { BARE_GATEWAY_NAME } from "./gateway.js";
import type { BenchResults } from "./report.js";
import type { Metric, Row, UnaryResult } from "./scenarios.js";

export type TargetStatus = "met" | "not met" | "skipped";

export interface TargetCheck {
  target: string;
  threshold: string;
  measured: string;
  status: TargetStatus;
  /**
   * The same measure for the fixed stack alone, in the same run: raw grpc-js
   * for the client rows, the bare grpc-js gateway for the gateway rows. Where
   * it misses the threshold too, no code above that stack can meet it here.
   */
  floor?: string | undefined;
}

const OWN_CODE_BUDGET = 25_000;

const x = (ratio: number) => `${ratio.toFixed(2)}×`;
const ms = (value: number) => `${value >= 0 ? "+" : ""}${value.toFixed(2)} ms`;
const num = (value: number) => value.toLocaleString("en-US", { maximumFractionDigits: 0 });
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
const status = (met: boolean): TargetStatus => (met ? "met" : "not met");

export function row<K extends string>(rows: Row<K>[], name: string): Row<K> {
  const found = rows.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no row ${name}`);
  return found;
}

const at = (results: BenchResults, concurrency: number): UnaryResult => {
  const found = results.unary.find((u) => u.concurrency === concurrency);
  if (!found) throw new Error(`no unary run at c=${concurrency}`);
  return found;
};

/** The SDK against an out-of-process contender at `concurrency`: its paired ratios, or why it was not measured. */
function versus(results: BenchResults, concurrency: number, name: string): { ratios: UnaryResult["versus"][number]["ratios"] } | { skipped: string } {
  const u = at(results, concurrency);
  const measured = u.versus.find((v) => v.name === name);
  if (measured) return { ratios: measured.ratios };
  const skipped = u.skipped.find((s) => s.name === name);
  return { skipped: skipped?.reason ?? `not measured at c=${concurrency}` };
}

/** The median of row `name` (the SDK's: the second) minus the first's (the baseline's). */
const added = (rows: Row<string>[], metric: string, name = (rows[1] as Row<string>).name) =>
  (row(rows, name).metrics[metric] as Metric).median - ((rows[0] as Row<string>).metrics[metric] as Metric).median;

const sdkRatio = (rows: Row<string>[], metric: string) => ((rows[1] as Row<string>).metrics[metric] as Metric).ratio;

/** Raw grpc-js (the baseline) over an out-of-process contender on `metric`: the inverse of that contender's paired ratio. */
const rawOver = (u: UnaryResult, name: string, metric: "perSecond" | "p99Ms") => {
  const found = u.rows.find((candidate) => candidate.name === name);
  return found ? 1 / found.metrics[metric].ratio : undefined;
};

/** Every target of issue 17, in the order, with the thresholds. */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const { sdk } = results.names;
  const p50 = row(at(results, 1).rows, sdk).metrics.p50Ms.ratio;
  const rps = row(at(results, 64).rows, sdk).metrics.perSecond.ratio;
  const aio = [16, 64].map((c) => ({ c, result: versus(results, c, results.names.pythonAio) }));
  const aioSkipped = aio.find((a) => "skipped" in a.result);
  const sync = versus(results, 1, results.names.pythonSync);
  const cpu = sdkRatio(results.openStreams.rows, "cpuPerChunk");
  const heap = sdkRatio(results.openStreams.rows, "heapPerStream");
  const batch = sdkRatio(results.bigBatch.rows, "wallMs");
  const first = sdkRatio(results.firstCall.rows, "ms");
  const gateway = (concurrency: number) => {
    const found = results.gateway.unary.find((u) => u.concurrency === concurrency);
    if (!found) throw new Error(`no gateway run at c=${concurrency}`);
    return found;
  };
  const c1 = gateway(1);
  const c32 = gateway(32);
  const addedP50 = added(c1.rows, "p50Ms");
  const addedP99 = added(c1.rows, "p99Ms");
  const gatewayRps = sdkRatio(c32.rows, "perSecond");
  const addedFirst = added(results.gateway.stream, "firstChunkMs");
  const floorOf = (found: number | undefined, shown: (value: number) => string) => (found === undefined ? undefined : shown(found));
  const bare = (text: string) => `bare gateway: ${text}`;
  const bareRow = (rows: Row<string>[]) => rows.some((r) => r.name === BARE_GATEWAY_NAME);
  const rawAio = [16, 64].map((c) => ({ c, ratio: rawOver(at(results, c), results.names.pythonAio, "perSecond") }));
  const rawSyncP99 = rawOver(at(results, 1), results.names.pythonSync, "p99Ms");
  return [
    { target: "`invoke` p50 at c=1 vs raw grpc-js", threshold: "≤ 1.08×", measured: x(p50), status: status(p50 <= 1.08) },
    { target: "`invoke` req/s at c=64 vs raw grpc-js", threshold: "≥ 0.90×", measured: x(rps), status: status(rps >= 0.9) },
    aioSkipped && "skipped" in aioSkipped.result
      ? { target: "`invoke` req/s at c=16 and c=64 vs Python grpc.aio + PyJWT", threshold: "≥ 1.10×", measured: `skipped: ${aioSkipped.result.skipped}`, status: "skipped" }
      : {
          target: "`invoke` req/s at c=16 and c=64 vs Python grpc.aio + PyJWT",
          threshold: "≥ 1.10×",
          measured: aio.map(({ c, result }) => `c=${c}: ${"ratios" in result ? x(result.ratios.perSecond) : "n/a"}`).join(", "),
          status: status(aio.every(({ result }) => "ratios" in result && result.ratios.perSecond >= 1.1)),
          floor: `raw grpc-js: ${rawAio.map(({ c, ratio }) => `c=${c}: ${ratio === undefined ? "n/a" : x(ratio)}`).join(", ")}`,
        },
    "skipped" in sync
      ? { target: "p99 at c=1 vs Python sync grpcio", threshold: "≤ 1.0×", measured: `skipped: ${sync.skipped}`, status: "skipped" }
      : {
          target: "p99 at c=1 vs Python sync grpcio",
          threshold: "≤ 1.0×",
          measured: x(sync.ratios.p99Ms),
          status: status(sync.ratios.p99Ms <= 1),
          floor: floorOf(rawSyncP99, (ratio) => `raw grpc-js: ${x(ratio)}`),
        },
    {
      target: `${num(results.openStreams.streams)} open streams: client CPU per chunk / heap per open stream vs raw grpc-js`,
      threshold: "≤ 1.3× / ≤ 1.3×",
      measured: `${x(cpu)} / ${x(heap)}`,
      status: status(cpu <= 1.3 && heap <= 1.3),
    },
    { target: `${num(results.bigBatch.items)}-item batch wall vs raw grpc-js sending the same bytes and decoding`, threshold: "≤ 1.2×", measured: x(batch), status: status(batch <= 1.2) },
    { target: "first completed call in a fresh process vs raw grpc-js", threshold: "≤ 1.2×", measured: x(first), status: status(first <= 1.2) },
    {
      target: "gateway: added p50 / p99 at c=1 vs the `openai` SDK calling the fake upstream directly",
      threshold: "≤ 0.35 ms / ≤ 1.0 ms",
      measured: `${ms(addedP50)} / ${ms(addedP99)}`,
      status: status(addedP50 <= 0.35 && addedP99 <= 1.0),
      floor: bareRow(c1.rows) ? bare(`${ms(added(c1.rows, "p50Ms", BARE_GATEWAY_NAME))} / ${ms(added(c1.rows, "p99Ms", BARE_GATEWAY_NAME))}`) : undefined,
    },
    {
      target: "gateway: req/s at c=32 vs direct",
      threshold: "≥ 0.75×",
      measured: x(gatewayRps),
      status: status(gatewayRps >= 0.75),
      floor: bareRow(c32.rows) ? bare(x(row(c32.rows, BARE_GATEWAY_NAME).metrics.perSecond.ratio)) : undefined,
    },
    {
      target: "gateway: added time to first chunk at c=1",
      threshold: "≤ 0.5 ms",
      measured: ms(addedFirst),
      status: status(addedFirst <= 0.5),
      floor: bareRow(results.gateway.stream) ? bare(ms(added(results.gateway.stream, "firstChunkMs", BARE_GATEWAY_NAME))) : undefined,
    },
  ];
}

/** Ratio of `a` to `b` on the same metric: both are paired ratios to the same baseline. */
const between = (a: Metric, b: Metric) => a.ratio / b.ratio;

/** The checks of issue 5 that issue 17 does not restate: stream rate, connect-node, bundle size, JWT, client entry. */
export function checkEarlierTargets(results: BenchResults): TargetCheck[] {
  const { sdk, peer } = results.names;
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
    { target: "stream chunks/s vs raw grpc-js", threshold: "≥ 0.95×", measured: x(chunks), status: status(chunks >= 0.95) },
    {
      target: "faster than connect-node on the same work",
      threshold: "every measure",
      measured: `${versusPeer.filter((c) => c.better).length} of ${versusPeer.length} (${versusPeer.filter((c) => !c.better).map((c) => c.what).join(", ") || "all better"})`,
      status: status(versusPeer.every((c) => c.better)),
    },
    {
      target: `own code in the \`${invokeOnly.exports}\` bundle, minified`,
      threshold: "≤ 25 KB",
      measured: kb(invokeOnly.ownBytes),
      status: status(invokeOnly.ownBytes <= OWN_CODE_BUDGET),
    },
    {
      target: "JWT signatures per call in steady state",
      threshold: "0",
      measured: `${results.jwt.signatures} in ${num(results.jwt.calls)} end-to-end calls; ${results.pieces.signaturesPerCall} per call in ${num(results.pieces.signedCalls)} in-process calls`,
      status: status(results.jwt.signatures === 0 && results.pieces.signaturesPerCall === 0),
    },
    {
      target: "server or provider-SDK modules loaded by the client entry",
      threshold: "none",
      measured: results.cold.loaded.forbidden.length === 0 ? `none of ${results.cold.loaded.count} modules` : results.cold.loaded.forbidden.join(", "),
      status: status(results.cold.loaded.forbidden.length === 0),
    },
  ];
}
