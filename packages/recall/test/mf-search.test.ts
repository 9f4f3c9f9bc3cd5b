import { loadConfig } from "@tandem/core";
import { leaveOneOutSplit } from "@tandem/data";
import { runProtocol } from "@tandem/eval";
import { describe, expect, it } from "vitest";
import { ALS_SPACE, alsRecommender, BPR_SPACE, bprRecommender, recallModels } from "../src/index.js";
import { datasetOf, syntheticData } from "./fixtures.js";

const data = syntheticData(120, 60, 3, 4);
const dataset = datasetOf(data);
const split = leaveOneOutSplit(data);
const config = (trials: number) =>
  loadConfig(
    {
      eval: { search: { trials } },
      recall: { als: { maxEpochs: 4, kernel: "js" }, bpr: { maxEpochs: 4, batchSize: 256 } },
    },
    {},
  );

describe("MF hyperparameters from tuned", () => {
  it("ALS and BPR take factors (and reg, alpha / lr) from tuned over the config", async () => {
    const als = alsRecommender(config(1).recall, { factors: 32, reg: 8, alpha: 2, epochs: 1 });
    await als.fit({ history: split.train, dataset, seed: 1 });
    expect(als.model.dim).toBe(32);
    expect(als.model.parts.hyperparameters).toMatchObject({ factors: 32, reg: 8, alpha: 2 });
    const bpr = bprRecommender(config(1).recall, { factors: 32, lr: 0.1, epochs: 1 });
    await bpr.fit({ history: split.train, dataset, seed: 1 });
    expect(bpr.model.parts.hyperparameters).toMatchObject({ factors: 32, lr: 0.1, reg: 0.0001 });
  });
});

describe("mf-als and mf-bpr in tandem eval", () => {
  it("search their declared spaces within eval.search.trials, and the refit uses the choice", async () => {
    for (const [name, space] of [
      ["mf-als", ALS_SPACE],
      ["mf-bpr", BPR_SPACE],
    ] as const) {
      const result = await runProtocol(recallModels(config(3))[name]!, dataset, split, { ks: [10], seed: 7 });
      const search = result.fit.search!;
      expect(search.trials).toHaveLength(3);
      expect(Object.keys(search.space)).toEqual(Object.keys(space));
      // Trial 1 is the configured model: 64 factors either way.
      expect(search.trials[0]!.params["factors"]).toBe(64);
      const best = search.trials.reduce((a, b) => (b.validation > a.validation ? b : a));
      expect(search.chosen).toEqual(best.tuned);
      expect(result.refit.tuned).toEqual(search.chosen);
      expect(result.validation.metrics["ndcg@10"]).toBeCloseTo(best.validation, 12);
    }
    const off = await runProtocol(recallModels(config(1))["mf-als"]!, dataset, split, { ks: [10], seed: 7 });
    expect(off.fit.search!.trials.map((t) => t.params)).toEqual([{ factors: 64, reg: 4, alpha: 0.5 }]);
  }, 120_000);
});
