import { userItemsFromRows } from "@tandem/data";
import { describe, expect, it } from "vitest";
import { FEATURES, fusionUsers, SEMANTIC_FEATURES, STATISTICAL_FEATURES } from "../src/index.js";

describe("ablation feature groups", () => {
  it("split every feature column into semantic and statistical, age and popularity included", () => {
    expect([...SEMANTIC_FEATURES, ...STATISTICAL_FEATURES].sort()).toEqual([...FEATURES].sort());
    expect(SEMANTIC_FEATURES.filter((f) => STATISTICAL_FEATURES.includes(f))).toEqual([]);
    expect(STATISTICAL_FEATURES).toEqual(
      expect.arrayContaining(["age", "logPop", "recentPop", "mf", "cooc", "next"]),
    );
  });
});

describe("fusionUsers", () => {
  const targets = userItemsFromRows(
    100,
    3,
    Array.from({ length: 60 }, (_, i) => ({ user: i * 2 - (i % 2), item: i % 3, time: i, value: 1 })).filter(
      (r) => r.user >= 0,
    ),
  );
  const withTarget = [...Array(100).keys()].filter((u) => targets.indptr[u + 1]! > targets.indptr[u]!);

  it("takes every user with a held-out item when they fit, in order", () => {
    expect(fusionUsers(targets, 1000, 1)).toEqual(withTarget);
  });

  it("takes a seeded sample of exactly max users with a held-out item otherwise", () => {
    const sample = fusionUsers(targets, 20, 1);
    expect(sample).toHaveLength(20);
    expect(sample.every((u) => withTarget.includes(u))).toBe(true);
    expect([...sample].sort((a, b) => a - b)).toEqual(sample);
    expect(fusionUsers(targets, 20, 1)).toEqual(sample);
    expect(fusionUsers(targets, 20, 2)).not.toEqual(sample);
  });
});
