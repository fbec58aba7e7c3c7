// The benchmark's arithmetic: percentiles, paired ratios, round order and
// warm-up handling. No timing is asserted anywhere in the suite.
import { describe, expect, it } from "vitest";
import { interleavedRounds, unarySample } from "../../bench/measure.js";
import { median, pairedRatio, percentile, roundOrder } from "../../bench/stats.js";

describe("percentile", () => {
  it("is nearest-rank on the sorted values", () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 90)).toBe(9);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile(values, 100)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
  });

  it("p99 of 1000 values is the 990th smallest", () => {
    const values = Array.from({ length: 1000 }, (_, index) => 1000 - index);
    expect(percentile(values, 99)).toBe(990);
  });

  it("sorts numerically and leaves its input alone", () => {
    const values = [10, 9, 100, 1];
    expect(percentile(values, 75)).toBe(10);
    expect(values).toEqual([10, 9, 100, 1]);
  });

  it("refuses no values and percentiles outside 0-100", () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe("median", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });
});

describe("pairedRatio", () => {
  it("is the median of the per-round ratios, not the ratio of the medians", () => {
    // The machine slows down in round 3 for both: pairing cancels it.
    const baseline = [100, 100, 300];
    const contender = [110, 120, 330];
    expect(pairedRatio(contender, baseline)).toBeCloseTo(1.1);
    expect(median(contender) / median(baseline)).toBeCloseTo(1.2);
  });

  it("needs the same rounds on both sides", () => {
    expect(() => pairedRatio([1, 2], [1])).toThrow(RangeError);
    expect(() => pairedRatio([], [])).toThrow(RangeError);
  });
});

describe("roundOrder", () => {
  it("rotates by one each round so every contender leads in turn", () => {
    expect([0, 1, 2, 3].map((round) => roundOrder(3, round))).toEqual([
      [0, 1, 2],
      [1, 2, 0],
      [2, 0, 1],
      [0, 1, 2],
    ]);
  });
});

describe("interleavedRounds", () => {
  it("measures every contender each round in rotating order and drops the warm-up round", async () => {
    const order: string[] = [];
    let tick = 0;
    const contenders = [{ name: "a" }, { name: "b" }];
    const samples = await interleavedRounds(contenders, 2, async (contender) => {
      order.push(contender.name);
      return tick++;
    });
    expect(order).toEqual(["a", "b", "b", "a", "a", "b"]);
    expect(samples.get("a")).toEqual([3, 4]);
    expect(samples.get("b")).toEqual([2, 5]);
  });
});

describe("interleavedRounds without a warm-up", () => {
  it("keeps every round, still rotating the order", async () => {
    const order: string[] = [];
    const samples = await interleavedRounds([{ name: "a" }, { name: "b" }], 2, async (contender) => {
      order.push(contender.name);
      return order.length;
    }, { warmUp: false });
    expect(order).toEqual(["b", "a", "a", "b"]);
    expect(samples.get("a")).toEqual([2, 3]);
    expect(samples.get("b")).toEqual([1, 4]);
  });
});

describe("unarySample", () => {
  it("summarises a closed loop: percentiles of the latencies, calls per second of wall time, CPU per call", () => {
    const latencies = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(unarySample(latencies, 2000, 5000)).toEqual({ p50Ms: 50, p99Ms: 99, perSecond: 50, cpuMicrosPerCall: 50 });
  });
});
