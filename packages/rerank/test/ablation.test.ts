import { describe, expect, it } from "vitest";
import { FEATURES, SEMANTIC_FEATURES, STATISTICAL_FEATURES } from "../src/index.js";

describe("ablation feature groups", () => {
  it("split every feature column into semantic and statistical, age and popularity included", () => {
    expect([...SEMANTIC_FEATURES, ...STATISTICAL_FEATURES].sort()).toEqual([...FEATURES].sort());
    expect(SEMANTIC_FEATURES.filter((f) => STATISTICAL_FEATURES.includes(f))).toEqual([]);
    expect(STATISTICAL_FEATURES).toEqual(
      expect.arrayContaining(["age", "logPop", "recentPop", "mf", "cooc", "next"]),
    );
  });
});
