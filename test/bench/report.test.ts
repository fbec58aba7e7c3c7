// Which way each target of issue 5 points, and the report's tables.
import { describe, expect, it } from "vitest";
import { type BenchResults, checkTargets, table } from "../../bench/report.js";
import type { Row } from "../../bench/scenarios.js";

const names = { baseline: "raw", sdk: "sdk", peer: "peer", diagnostic: "bare" };

function rows<K extends string>(ratios: Record<string, Partial<Record<K, number>>>, keys: K[]): Row<K>[] {
  return Object.entries(ratios).map(([name, byKey]) => ({
    name,
    diagnostic: name === "bare",
    metrics: Object.fromEntries(keys.map((key) => [key, { median: 1, ratio: byKey[key] ?? 1 }])) as Row<K>["metrics"],
  }));
}

function results({ p50 = 1.05, perSecond = 0.95, chunks = 0.97, peerP50 = 1.5, ownBytes = 20_000, signatures = 0, forbidden = [] as string[] } = {}): BenchResults {
  const unaryKeys = ["p50Ms", "p99Ms", "perSecond", "clientCpu", "serverCpu"] as const;
  const unary = [1, 16, 64].map((concurrency) => ({
    concurrency,
    callsPerRound: 10,
    rows: rows({ raw: {}, sdk: { p50Ms: p50, perSecond }, peer: { p50Ms: peerP50, perSecond: 0.5 }, bare: {} }, [...unaryKeys]),
  }));
  return {
    meta: {} as BenchResults["meta"],
    names,
    unary,
    jwt: { calls: 30, signatures },
    stream: { messages: 11, rows: rows({ raw: {}, sdk: { chunksPerSecond: chunks }, peer: { chunksPerSecond: 0.8 }, bare: {} }, ["firstChunkMs", "chunksPerSecond", "clientCpu"]) },
    batch: { items: 2, rows: [] },
    pieces: { results: [], signaturesPerCall: 0, signedCalls: 10 },
    cold: { importMs: [], bundles: [{ exports: "invoke", ownBytes, generatedBytes: 0, largest: [] }], loaded: { count: 5, forbidden } },
  };
}

const met = (r: BenchResults) => checkTargets(r).map((t) => t.met);

describe("checkTargets", () => {
  it("meets every target when the SDK is within each bound", () => {
    expect(met(results())).toEqual([true, true, true, true, true, true, true]);
  });

  it("latency is a ceiling, throughput and chunks/s are floors", () => {
    expect(met(results({ p50: 1.11 }))[0]).toBe(false);
    expect(met(results({ perSecond: 0.89 }))[1]).toBe(false);
    expect(met(results({ chunks: 0.94 }))[2]).toBe(false);
  });

  it("is not faster than the peer when the peer has the lower latency", () => {
    const check = checkTargets(results({ peerP50: 1.0 }))[3]!;
    expect(check.met).toBe(false);
    expect(check.measured).toContain("p50 c=1");
  });

  it("fails on a bundle over 25 KB, any steady-state signature, any forbidden module", () => {
    expect(met(results({ ownBytes: 25_001 }))[4]).toBe(false);
    expect(met(results({ signatures: 1 }))[5]).toBe(false);
    expect(met(results({ forbidden: ["/x/dist/server/index.js"] }))[6]).toBe(false);
  });
});

describe("table", () => {
  it("right-aligns the columns that hold only numbers", () => {
    expect(table(["name", "ms", "ratio"], [["a", "1,234.5", "0.93×"], ["b", "n/a", "1.00×"]])).toBe(
      ["| name | ms | ratio |", "| --- | ---: | ---: |", "| a | 1,234.5 | 0.93× |", "| b | n/a | 1.00× |"].join("\n"),
    );
  });
});
