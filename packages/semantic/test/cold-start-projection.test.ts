import { loadConfig } from "@tandem/core";
import { alsRecommender } from "@tandem/recall";
import { describe, expect, it } from "vitest";
import { runColdStartExperiment } from "../src/index.js";
import { BagOfWordsEncoder, syntheticDataset } from "./helpers.js";

describe("text → MF projection", () => {
  it("gives cold items MF-space vectors in the cold-start experiment", async () => {
    const dataset = syntheticDataset();
    const config = loadConfig({ recall: { als: { factors: 8, maxEpochs: 5 } } }, {});
    const result = await runColdStartExperiment(dataset, {
      encoder: new BagOfWordsEncoder(),
      template: "{title}. {genres}",
      halfLifeDays: 30,
      fraction: 0.25,
      seed: 3,
      k: 5,
      collaborative: () => alsRecommender(config.recall, { epochs: 5 }),
    });
    const row = (model: string, candidates: string) =>
      result.rows.find((r) => r.model === model && r.candidates === candidates)!;
    expect(row("mf-als", "cold items").recall).toBe(0);
    expect(row("text→MF projection", "cold items").recall).toBeGreaterThan(
      row("random", "cold items").recall,
    );
    expect(result.protocol).toMatch(/closed-form ridge map/);
    // Among all items: text only, raw hybrid and calibrated hybrid, each paired with cosine on the same users.
    const learned = result.rows.filter((r) => r.candidates === "all items" && r.model.startsWith("text→MF"));
    expect(learned.map((r) => r.model)).toHaveLength(3);
    const paired = result.paired.filter(
      (t) => t.candidates === "all items" && t.factor === 1 && t.b === "text recall",
    );
    expect(paired.map((t) => t.a)).toEqual(learned.map((r) => r.model));
    const textRecall = row("text recall", "all items").recall;
    for (const t of paired) {
      expect(t.users).toBe(result.users);
      expect(t.difference).toBeCloseTo(learned.find((r) => r.model === t.a)!.recall - textRecall, 6);
    }
  });
});
