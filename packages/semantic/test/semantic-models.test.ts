import { loadConfig } from "@tandem/core";
import { leaveOneOutSplit } from "@tandem/data";
import { evaluate, runProtocol, topK } from "@tandem/eval";
import { describe, expect, it } from "vitest";
import { runColdStartExperiment, SemanticRecommender, semanticModels } from "../src/index.js";
import { BagOfWordsEncoder, isSpace, syntheticDataset } from "./helpers.js";

describe("SemanticRecommender", () => {
  const dataset = syntheticDataset();
  const template = "{title}. {genres}";

  it("ranks unseen items of the user's theme first, from content alone", async () => {
    const model = new SemanticRecommender({
      encoder: async () => new BagOfWordsEncoder(),
      template,
      halfLifeDays: 30,
    });
    await model.fit({ history: dataset.interactions, dataset, seed: 1 });
    const users = Int32Array.from({ length: 30 }, (_, u) => u);
    const out = new Float32Array(30 * 40);
    model.scoreBatch(users, out);
    const h = dataset.interactions;
    for (const u of users) {
      const row = out.subarray(u * 40, (u + 1) * 40);
      const seen = new Set(h.items.subarray(h.indptr[u]!, h.indptr[u + 1]!));
      const top = topK(row, 10, (i) => seen.has(i));
      const theme = isSpace(h.items[h.indptr[u]!]!);
      expect(top.every((i) => isSpace(i) === theme)).toBe(true);
    }
  });

  it("runs under the evaluation protocol through semanticModels(config), far above chance", async () => {
    const config = loadConfig({ semantic: { halfLifeDays: 30, textTemplate: template } }, {});
    const factory = semanticModels(config, { encoder: new BagOfWordsEncoder() }).semantic!;
    const result = await runProtocol(factory, dataset, leaveOneOutSplit(dataset.interactions), {
      ks: [10],
      seed: 1,
    });
    expect(result.model).toBe("semantic");
    // chance is 10 / 31 unseen items ≈ 0.32; content puts the 11 unseen same-theme items first
    expect(result.test.metrics["recall@10"]).toBeGreaterThan(0.6);
    // the tuning fit scored every half-life of the grid on validation and passed the best to the refit
    expect(result.fit.curve?.map((p) => p.step)).toEqual([0.25, 1, 7, 30]);
    const best = result.fit.curve!.reduce((a, b) => (b.value > a.value ? b : a));
    expect(result.refit.tuned).toEqual({ halfLifeDays: best.step });
    expect(result.refit.curve).toBeUndefined();
  });

  it("embeds the catalogue once per dataset across the tuning fit and the refit", async () => {
    const encoder = new BagOfWordsEncoder(64, "bow-memo");
    const factory = semanticModels(loadConfig({ semantic: { textTemplate: template } }, {}), { encoder })
      .semantic!;
    await runProtocol(factory, dataset, leaveOneOutSplit(dataset.interactions), { ks: [10], seed: 1 });
    expect(encoder.texts).toBe(40);
  });
});

describe("runColdStartExperiment", () => {
  it("CF scores zero on held-out items by construction; text recall finds them", async () => {
    const dataset = syntheticDataset();
    const result = await runColdStartExperiment(dataset, {
      encoder: new BagOfWordsEncoder(),
      template: "{title}. {genres}",
      halfLifeDays: 30,
      fraction: 0.25,
      seed: 3,
      k: 5,
    });
    expect(result.coldItems).toBe(10);
    const row = (model: string, candidates: string) =>
      result.rows.find((r) => r.model === model && r.candidates === candidates)!;
    expect(row("itemknn", "all items").recall).toBe(0);
    expect(row("itemknn", "cold items").recall).toBe(0);
    expect(row("text recall", "cold items").recall).toBeGreaterThan(row("random", "cold items").recall);
    expect(row("text recall", "cold items").recall).toBeGreaterThan(0.5);
    expect(result.markdown).toContain("| text recall | cold items |");
    expect(result.protocol).toMatch(/removed from training/);
    // The experiment's own test targets are cold items only.
    expect(result.testInteractions).toBeGreaterThan(0);
  });

  it("is reproducible for a seed", async () => {
    const dataset = syntheticDataset();
    const options = { encoder: new BagOfWordsEncoder(), template: "{title}", halfLifeDays: 30, seed: 9 };
    const a = await runColdStartExperiment(dataset, options);
    const b = await runColdStartExperiment(dataset, options);
    expect(b.rows).toEqual(a.rows);
    expect(evaluate).toBeTypeOf("function");
  });
});
