import { describe, expect, it } from "vitest";
import { topK, userMetrics } from "../src/index.js";

describe("userMetrics (hand-computed)", () => {
  const ranked = [5, 1, 7, 2];
  const relevant = new Set([1, 2, 9]);

  it("at K=4: hits at ranks 2 and 4 of 3 relevant", () => {
    const m = userMetrics(ranked, relevant, 4);
    expect(m.recall).toBeCloseTo(2 / 3, 10);
    expect(m.precision).toBeCloseTo(0.5, 10);
    expect(m.hit).toBe(1);
    expect(m.mrr).toBeCloseTo(0.5, 10);
    // DCG = 1/log2(3) + 1/log2(5); IDCG over min(3, 4) = 3 positions.
    expect(m.ndcg).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3) + 0.5), 10);
    // AP = (1/2 + 2/4) / min(3, 4)
    expect(m.map).toBeCloseTo(1 / 3, 10);
  });

  it("at K=2 only the first two count, and IDCG uses min(|relevant|, K)", () => {
    const m = userMetrics(ranked, relevant, 2);
    expect(m.recall).toBeCloseTo(1 / 3, 10);
    expect(m.precision).toBeCloseTo(0.5, 10);
    expect(m.ndcg).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 10);
    expect(m.map).toBeCloseTo(0.25, 10);
  });

  it("a single held-out item at rank 1 scores 1 everywhere but precision", () => {
    const m = userMetrics([3, 4], new Set([3]), 10);
    expect(m).toEqual({ recall: 1, ndcg: 1, hit: 1, precision: 0.1, mrr: 1, map: 1 });
  });

  it("no hit scores zero", () => {
    const m = userMetrics([1, 2, 3], new Set([4]), 3);
    expect(Object.values(m).every((v) => v === 0)).toBe(true);
  });
});

describe("topK", () => {
  it("returns the k best, best first, ties to the lower index, skipping masked and NaN", () => {
    const scores = [0.1, 0.9, 0.5, 0.9, Number.NaN, 0.7, 0.2];
    expect([...topK(scores, 3)]).toEqual([1, 3, 5]);
    expect([...topK(scores, 3, (i) => i === 1)]).toEqual([3, 5, 2]);
    expect([...topK(scores, 10)]).toEqual([1, 3, 5, 2, 6, 0]);
  });

  it("agrees with a full sort on random data", () => {
    const scores = Float32Array.from({ length: 1000 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const sorted = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, 50);
    expect([...topK(scores, 50)]).toEqual(sorted);
  });
});
