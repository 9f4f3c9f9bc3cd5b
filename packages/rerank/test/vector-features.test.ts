import { Rng } from "@tandem/core";
import { describe, expect, it } from "vitest";
import { FEATURE_INDEX, FEATURES, vectorFeatures } from "../src/index.js";

const naive = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe("request-time vector features", () => {
  it("equal plain dot products for every vector length, with or without each user vector", () => {
    const rng = new Rng(5);
    for (const dim of [1, 2, 3, 7, 64, 65, 512, 513]) {
      const v = () => Float32Array.from({ length: dim }, () => rng.normal());
      const user = { mf: v(), textProfile: v(), textLast: v(), seq: v() };
      const item = { mf: v(), text: v(), textMf: v(), seq: v() };
      const row = new Float32Array(FEATURES.length);
      vectorFeatures(row, user, item, { logPop: 1, recentPop: 2, age: 3 });
      expect(row[FEATURE_INDEX.mf]).toBeCloseTo(naive(user.mf, item.mf), 4);
      expect(row[FEATURE_INDEX.textProfile]).toBeCloseTo(naive(user.textProfile, item.text), 4);
      expect(row[FEATURE_INDEX.textLast]).toBeCloseTo(naive(user.textLast, item.text), 4);
      expect(row[FEATURE_INDEX.textMf]).toBeCloseTo(naive(user.mf, item.textMf), 4);
      expect(row[FEATURE_INDEX.seq]).toBeCloseTo(naive(user.seq, item.seq), 4);
      expect(row[FEATURE_INDEX.age]).toBe(3);
      vectorFeatures(row, { textLast: user.textLast }, item, undefined);
      expect(row[FEATURE_INDEX.textProfile]).toBe(0);
      expect(row[FEATURE_INDEX.textLast]).toBeCloseTo(naive(user.textLast, item.text), 4);
      expect(row[FEATURE_INDEX.mf]).toBe(0);
      expect(row[FEATURE_INDEX.textMf]).toBe(0);
      expect(row[FEATURE_INDEX.seq]).toBe(0);
    }
  });
});
