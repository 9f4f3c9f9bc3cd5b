import { loadConfig, Rng } from "@tandem/core";
import { alsRecommender } from "@tandem/recall";
import { describe, expect, it } from "vitest";
import { fitTextToMf, projectText, runColdStartExperiment } from "../src/index.js";
import { BagOfWordsEncoder, syntheticDataset } from "./helpers.js";

describe("text → MF projection", () => {
  it("recovers a linear map on items it was not fitted on", async () => {
    const rng = new Rng(4);
    const [n, t, k] = [300, 12, 4];
    const text = Float32Array.from({ length: n * t }, () => rng.normal());
    const truth = Float32Array.from({ length: t * k }, () => rng.normal());
    const factors = new Float32Array(n * k);
    for (let i = 0; i < n; i++)
      for (let d = 0; d < k; d++)
        for (let j = 0; j < t; j++) factors[i * k + d]! += text[i * t + j]! * truth[j * k + d]!;
    const trained = Uint8Array.from({ length: n }, (_, i) => (i < 250 ? 1 : 0));
    const map = await fitTextToMf(text, t, factors, k, trained, { reg: 0, maxSteps: 400, lr: 0.05 });
    const projected = projectText(map, text.subarray(250 * t));
    let err = 0;
    let energy = 0;
    for (let i = 0; i < projected.length; i++) {
      err += (projected[i]! - factors[250 * k + i]!) ** 2;
      energy += factors[250 * k + i]! ** 2;
    }
    expect(err / energy).toBeLessThan(0.01); // the unseen items' factors, not the training ones
  });

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
    expect(result.protocol).toMatch(/text→MF projection is a linear map/);
  });
});
