import { userItemsFromRows } from "@tandem/data";
import { describe, expect, it } from "vitest";
import { bm25Stats, matrixConfidence, rowConfidence } from "../src/index.js";

// Two listeners' play counts (a weighted log): u0 played item 0 twelve times, item 1 once.
const m = userItemsFromRows(2, 3, [
  { user: 0, item: 0, time: 1, value: 12 },
  { user: 0, item: 1, time: 2, value: 1 },
  { user: 1, item: 1, time: 3, value: 3 },
  { user: 1, item: 2, time: 4, value: 0.5 },
]);
const stats = bm25Stats(m);
const base = { alpha: 2, weighting: "none" as const, k1: 100, b: 0.8 };

describe("ALS confidence with value weighting", () => {
  it("is 1 + alpha · f(value): binary, linear or log", () => {
    expect(Array.from(matrixConfidence(m, base, stats))).toEqual([3, 3, 3, 3]);
    expect(Array.from(matrixConfidence(m, { ...base, value: "linear" }, stats))).toEqual([25, 3, 7, 2]);
    const log = matrixConfidence(m, { ...base, value: "log" }, stats);
    for (const [p, v] of [12, 1, 3, 0.5].entries()) expect(log[p]).toBeCloseTo(1 + 2 * Math.log1p(v), 5);
  });

  it("scales the BM25 weight by f(value), and a fold-in row without values counts f = 1", () => {
    const bm25 = { ...base, weighting: "bm25" as const };
    const plain = matrixConfidence(m, bm25, stats);
    const linear = matrixConfidence(m, { ...bm25, value: "linear" }, stats);
    expect(linear[0]! - 1).toBeCloseTo(12 * (plain[0]! - 1), 4);
    expect(Array.from(rowConfidence([0, 1], { ...base, value: "linear" }, stats))).toEqual([3, 3]);
  });
});
