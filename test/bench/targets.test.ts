// Which way each target of issue 17 (and each earlier check of issue 5)
// points, skipped rows, and the report's tables.
import { describe, expect, it } from "vitest";
import { type BenchResults, renderReport, table } from "../../bench/report.js";
import type { Row, UnaryMetric } from "../../bench/scenarios.js";
import { BARE_GATEWAY_NAME } from "../../bench/gateway.js";
import { checkEarlierTargets, checkTargets } from "../../bench/targets.js";

const names = { baseline: "raw", sdk: "sdk", peer: "peer", diagnostic: "bare", pythonAio: "py-aio", pythonSync: "py-sync" };

/** Rows whose metrics have the given ratios to the baseline (1 unless given) and medians (1 unless given). */
function rows<K extends string>(byName: Record<string, Partial<Record<K, number>>>, keys: readonly K[], medians: Record<string, Partial<Record<K, number>>> = {}): Row<K>[] {
  return Object.entries(byName).map(([name, ratios]) => ({
    name,
    diagnostic: name === "bare",
    metrics: Object.fromEntries(keys.map((key) => [key, { median: medians[name]?.[key] ?? 1, ratio: ratios[key] ?? 1 }])) as Row<K>["metrics"],
  }));
}

const UNARY_KEYS = ["p50Ms", "p99Ms", "perSecond", "clientCpu", "serverCpu"] as const;
const ratios = (values: Partial<Record<UnaryMetric, number>>) => Object.fromEntries(UNARY_KEYS.map((key) => [key, values[key] ?? 1])) as Record<UnaryMetric, number>;

interface Knobs {
  p50?: number;
  perSecond?: number;
  chunks?: number;
  peerP50?: number;
  ownBytes?: number;
  signatures?: number;
  forbidden?: string[];
  pythonSkipped?: string;
  versusAio16?: number;
  versusAio64?: number;
  versusSyncP99?: number;
  streamCpu?: number;
  streamHeap?: number;
  bigBatch?: number;
  firstCall?: number;
  /** Medians in ms: direct first, then through the gateway. */
  gatewayP50?: [number, number];
  gatewayP99?: [number, number];
  gatewayPerSecond?: number;
  gatewayFirstChunk?: [number, number];
}

function results(k: Knobs = {}): BenchResults {
  const unary = [1, 16, 64].map((concurrency) => {
    const python = concurrency === 1 ? names.pythonSync : names.pythonAio;
    const versusRatios =
      concurrency === 1 ? ratios({ p99Ms: k.versusSyncP99 ?? 0.9 }) : ratios({ perSecond: concurrency === 16 ? (k.versusAio16 ?? 1.2) : (k.versusAio64 ?? 1.2) });
    return {
      concurrency,
      callsPerRound: 10,
      rows: rows({ raw: {}, sdk: { p50Ms: k.p50 ?? 1.05, perSecond: k.perSecond ?? 0.95 }, peer: { p50Ms: k.peerP50 ?? 1.5, perSecond: 0.5 }, bare: {} }, UNARY_KEYS),
      versus: k.pythonSkipped ? [] : [{ name: python, ratios: versusRatios }],
      skipped: k.pythonSkipped ? [{ name: python, reason: k.pythonSkipped }] : [],
    };
  });
  const [p50Direct, p50Gateway] = k.gatewayP50 ?? [1, 1.3];
  const [p99Direct, p99Gateway] = k.gatewayP99 ?? [2, 2.9];
  const [firstDirect, firstGateway] = k.gatewayFirstChunk ?? [1, 1.4];
  return {
    meta: { mode: "quick", versions: {}, loadAverage: "3.50 2.00 1.00", cores: 2 } as unknown as BenchResults["meta"],
    names,
    python: k.pythonSkipped ? `skipped: ${k.pythonSkipped}` : "/usr/bin/python3, grpcio 1 PyJWT 2",
    unary,
    jwt: { calls: 30, signatures: k.signatures ?? 0 },
    stream: { messages: 11, rows: rows({ raw: {}, sdk: { chunksPerSecond: k.chunks ?? 0.97 }, peer: { chunksPerSecond: 0.8 }, bare: {} }, ["firstChunkMs", "chunksPerSecond", "clientCpu"]) },
    batch: { items: 2, rows: rows({ "2 invoke": {}, "1 invokeBatch": { wallMs: 0.5 } }, ["wallMs"]) },
    pieces: { results: [{ name: "whole invoke()", micros: 25 }, { name: "nice-grpc client call", micros: 5 }], signaturesPerCall: 0, signedCalls: 10 },
    cold: { importMs: [], bundles: [{ exports: "invoke", ownBytes: k.ownBytes ?? 20_000, generatedBytes: 0, largest: [] }], loaded: { count: 5, forbidden: k.forbidden ?? [] } },
    openStreams: {
      streams: 5000,
      chunksPerStream: 4,
      chunkDelayMs: 1000,
      rows: rows({ raw: {}, sdk: { cpuPerChunk: k.streamCpu ?? 1.2, heapPerStream: k.streamHeap ?? 1.2 } }, ["heapPerStream", "cpuPerChunk", "wallMs"]),
      fewestOpenAtMeasurement: 5000,
    },
    bigBatch: { items: 5000, rows: rows({ raw: {}, sdk: { wallMs: k.bigBatch ?? 1.1 } }, ["wallMs", "clientCpuPerItem"]) },
    firstCall: { runs: 3, rows: rows({ raw: {}, sdk: { ms: k.firstCall ?? 1.1 } }, ["ms"]) },
    gateway: {
      settings: { rounds: 2, calls: { 1: 10, 32: 10 }, streams: 2 },
      warmUp: { calls: 10, streams: 2 },
      unary: [
        { concurrency: 1, rows: rows({ direct: {}, gateway: {} }, UNARY_KEYS, { direct: { p50Ms: p50Direct, p99Ms: p99Direct }, gateway: { p50Ms: p50Gateway, p99Ms: p99Gateway } }) },
        { concurrency: 32, rows: rows({ direct: {}, gateway: { perSecond: k.gatewayPerSecond ?? 0.8 } }, UNARY_KEYS) },
      ],
      stream: rows({ direct: {}, gateway: {} }, ["firstChunkMs"], { direct: { firstChunkMs: firstDirect }, gateway: { firstChunkMs: firstGateway } }),
    },
  };
}

const statuses = (r: BenchResults) => checkTargets(r).map((t) => t.status);

describe("checkTargets", () => {
  it("has the issue's ten rows, all met when every measure is within its bound", () => {
    const checks = checkTargets(results());
    expect(checks.map((t) => t.threshold)).toEqual(["≤ 1.08×", "≥ 0.90×", "≥ 1.10×", "≤ 1.0×", "≤ 1.3× / ≤ 1.3×", "≤ 1.2×", "≤ 1.2×", "≤ 0.35 ms / ≤ 1.0 ms", "≥ 0.75×", "≤ 0.5 ms"]);
    expect(checks.every((t) => t.status === "met")).toBe(true);
  });

  it("latency against raw grpc-js is a ceiling, throughput a floor", () => {
    expect(statuses(results({ p50: 1.09 }))[0]).toBe("not met");
    expect(statuses(results({ perSecond: 0.89 }))[1]).toBe("not met");
  });

  it("against Python: req/s must clear 1.10× at both c=16 and c=64, p99 at c=1 must not exceed sync grpcio's", () => {
    expect(statuses(results({ versusAio16: 1.09 }))[2]).toBe("not met");
    const c64 = checkTargets(results({ versusAio64: 1.05 }))[2]!;
    expect(c64.status).toBe("not met");
    expect(c64.measured).toBe("c=16: 1.20×, c=64: 1.05×");
    expect(statuses(results({ versusSyncP99: 1.01 }))[3]).toBe("not met");
  });

  it("shows the Python rows as skipped with the reason when Python's grpcio is missing, whatever else is measured", () => {
    const checks = checkTargets(results({ pythonSkipped: "No module named 'grpc'" }));
    for (const check of [checks[2]!, checks[3]!]) {
      expect(check.status).toBe("skipped");
      expect(check.measured).toBe("skipped: No module named 'grpc'");
    }
    expect(checks.filter((t) => t.status === "skipped")).toHaveLength(2);
  });

  it("open streams miss on either CPU per chunk or heap per stream", () => {
    expect(statuses(results({ streamCpu: 1.31 }))[4]).toBe("not met");
    expect(statuses(results({ streamHeap: 1.31 }))[4]).toBe("not met");
  });

  it("the big batch and the first call are ceilings on wall time", () => {
    expect(statuses(results({ bigBatch: 1.21 }))[5]).toBe("not met");
    expect(statuses(results({ firstCall: 1.21 }))[6]).toBe("not met");
  });

  it("gateway: added latency is the difference of the medians, throughput a floor", () => {
    const p50 = checkTargets(results({ gatewayP50: [1, 1.36] }))[7]!;
    expect(p50.status).toBe("not met");
    expect(p50.measured).toBe("+0.36 ms / +0.90 ms");
    expect(statuses(results({ gatewayP99: [2, 3.01] }))[7]).toBe("not met");
    expect(statuses(results({ gatewayPerSecond: 0.74 }))[8]).toBe("not met");
    expect(statuses(results({ gatewayFirstChunk: [1, 1.51] }))[9]).toBe("not met");
    expect(statuses(results({ gatewayFirstChunk: [1, 0.9] }))[9]).toBe("met");
  });

  it("shows what the fixed stack alone reads on the unmet rows: raw grpc-js against Python, the bare gateway against direct", () => {
    const r = results();
    // Python's rows carry their paired ratio to raw grpc-js: 1.25× raw's req/s, 0.8× raw's p99.
    for (const u of r.unary) {
      const python = u.concurrency === 1 ? names.pythonSync : names.pythonAio;
      u.rows.push(...rows({ [python]: { perSecond: u.concurrency === 16 ? 1.25 : 1.6, p99Ms: 0.8 } }, UNARY_KEYS));
    }
    const [c1, c32] = r.gateway.unary as [(typeof r.gateway.unary)[number], (typeof r.gateway.unary)[number]];
    c1.rows.push(...rows({ [BARE_GATEWAY_NAME]: {} }, UNARY_KEYS, { [BARE_GATEWAY_NAME]: { p50Ms: 1.5, p99Ms: 2.4 } }));
    c32.rows.push(...rows({ [BARE_GATEWAY_NAME]: { perSecond: 0.7 } }, UNARY_KEYS));
    r.gateway.stream.push(...rows({ [BARE_GATEWAY_NAME]: {} }, ["firstChunkMs"], { [BARE_GATEWAY_NAME]: { firstChunkMs: 1.6 } }));
    const floors = checkTargets(r).map((t) => t.floor);
    expect(floors[2]).toBe("raw grpc-js: c=16: 0.80×, c=64: 0.63×");
    expect(floors[3]).toBe("raw grpc-js: 1.25×");
    expect(floors.slice(7)).toEqual(["bare gateway: +0.50 ms / +0.40 ms", "bare gateway: 0.70×", "bare gateway: +0.60 ms"]);
    // The SDK's own rows are still measured against the SDK's numbers, not the floor's.
    expect(checkTargets(r)[7]!.measured).toBe("+0.30 ms / +0.90 ms");
    expect(renderReport(r)).toContain("| gateway: req/s at c=32 vs direct | ≥ 0.75× | 0.80× | met | bare gateway: 0.70× |");
  });
});

describe("checkEarlierTargets", () => {
  it("meets every check when the SDK is within each bound", () => {
    expect(checkEarlierTargets(results()).map((t) => t.status)).toEqual(["met", "met", "met", "met", "met"]);
  });

  it("chunks/s is a floor; the peer must lose on every measure", () => {
    expect(checkEarlierTargets(results({ chunks: 0.94 }))[0]!.status).toBe("not met");
    const peer = checkEarlierTargets(results({ peerP50: 1.0 }))[1]!;
    expect(peer.status).toBe("not met");
    expect(peer.measured).toContain("p50 c=1");
  });

  it("fails on a bundle over 25 KB, any steady-state signature, any forbidden module", () => {
    expect(checkEarlierTargets(results({ ownBytes: 25_001 }))[2]!.status).toBe("not met");
    expect(checkEarlierTargets(results({ signatures: 1 }))[3]!.status).toBe("not met");
    expect(checkEarlierTargets(results({ forbidden: ["/x/dist/server/index.js"] }))[4]!.status).toBe("not met");
  });
});

describe("renderReport", () => {
  it("prints each skipped Python row with its reason in the targets and in its unary section", () => {
    const report = renderReport(results({ pythonSkipped: "No module named 'grpc'" }));
    expect(report).toContain("| p99 at c=1 vs Python sync grpcio | ≤ 1.0× | skipped: No module named 'grpc' | skipped |");
    expect(report).toContain("- py-sync: skipped: No module named 'grpc'");
    expect(report).toContain("- py-aio: skipped: No module named 'grpc'");
    expect(report).toContain("**A quick run**");
    expect(report).toContain("**A loaded machine:** load average 3.50 on 2 cores");
  });

  it("marks a missed target as not met", () => {
    expect(renderReport(results({ bigBatch: 1.5 }))).toMatch(/batch wall vs raw grpc-js .*\| ≤ 1\.2× \| 1\.50× \| \*\*not met\*\* \|/);
  });
});

describe("table", () => {
  it("right-aligns the columns that hold only numbers", () => {
    expect(table(["name", "ms", "ratio"], [["a", "1,234.5", "0.93×"], ["b", "n/a", "1.00×"]])).toBe(
      ["| name | ms | ratio |", "| --- | ---: | ---: |", "| a | 1,234.5 | 0.93× |", "| b | n/a | 1.00× |"].join("\n"),
    );
  });
});
