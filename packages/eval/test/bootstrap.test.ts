import { Rng } from "@tandem/core";
import { describe, expect, it } from "vitest";
import { alignUsers, bootstrapMeans, pairedTest } from "../src/index.js";

const bernoulli = (n: number, p: number, seed: number) => {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => (rng.next() < p ? 1 : 0));
};

describe("bootstrapMeans", () => {
  it("gives an interval around the mean whose width matches the binomial standard error", () => {
    const v = bernoulli(610, 0.13, 1);
    const { recall } = bootstrapMeans({ recall: v }, { seed: 7 });
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const se = Math.sqrt((mean * (1 - mean)) / v.length);
    expect(recall!.mean).toBeCloseTo(mean, 12);
    expect(recall!.lo).toBeLessThan(mean);
    expect(recall!.hi).toBeGreaterThan(mean);
    // 95% normal interval is ±1.96 se; the percentile bootstrap agrees within 15%.
    expect((recall!.hi - recall!.lo) / (2 * 1.96 * se)).toBeGreaterThan(0.85);
    expect((recall!.hi - recall!.lo) / (2 * 1.96 * se)).toBeLessThan(1.15);
  });

  it("is reproducible for a seed and refuses fewer than 1,000 resamples", () => {
    const v = bernoulli(100, 0.3, 2);
    expect(bootstrapMeans({ v }, { seed: 3 })).toEqual(bootstrapMeans({ v }, { seed: 3 }));
    expect(() => bootstrapMeans({ v }, { resamples: 200 })).toThrow(/at least 1,000/);
  });

  it("covers the true mean about 95% of the time", () => {
    let covered = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const { v } = bootstrapMeans({ v: bernoulli(300, 0.2, 100 + t) }, { seed: t, resamples: 1000 });
      if (v!.lo <= 0.2 && 0.2 <= v!.hi) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.9);
    expect(covered / trials).toBeLessThan(0.99);
  });
});

describe("pairedTest", () => {
  it("finds a real paired difference that unpaired intervals would overlap", () => {
    const base = bernoulli(610, 0.12, 4);
    const rng = new Rng(5);
    // b = a with 4% of users' misses turned into hits: a small but consistent gain.
    const better = Float64Array.from(base, (x) => (x === 0 && rng.next() < 0.04 ? 1 : x));
    const t = pairedTest(better, base, { seed: 1 });
    expect(t.difference).toBeGreaterThan(0);
    expect(t.lo).toBeGreaterThan(0);
    expect(t.p).toBeLessThan(0.01);
  });

  it("gives a large p-value and an interval around 0 when there is no difference", () => {
    const a = bernoulli(610, 0.12, 6);
    const b = bernoulli(610, 0.12, 7);
    const t = pairedTest(a, b, { seed: 1 });
    expect(t.lo).toBeLessThan(0);
    expect(t.hi).toBeGreaterThan(0);
    expect(t.p).toBeGreaterThan(0.05);
    expect(() => pairedTest(a, b.subarray(1))).toThrow(/same users/);
  });

  it("aligns two models' vectors on the users both evaluated", () => {
    const [a, b] = alignUsers(
      Int32Array.from([1, 3, 5]),
      [10, 30, 50],
      Int32Array.from([0, 3, 5, 7]),
      [0, 3, 5, 7],
    );
    expect([...a]).toEqual([30, 50]);
    expect([...b]).toEqual([3, 5]);
  });
});
