import { leaveOneOutSplit, userItemsFromRows } from "@tandem/data";
import { evaluate } from "@tandem/eval";
import { describe, expect, it } from "vitest";
import {
  alsRecommender,
  CooccurrenceSource,
  mergeCandidates,
  NextItemSource,
  PopularitySource,
  RecallMergedRecommender,
  recallModels,
} from "../src/index.js";
import { datasetOf, syntheticData, testConfig } from "./fixtures.js";

const rows = (lists: number[][]) =>
  userItemsFromRows(
    lists.length,
    6,
    lists.flatMap((items, user) => items.map((item, time) => ({ user, item, time, value: 1 }))),
  );

describe("candidate sources", () => {
  const m = rows([
    [0, 1, 2],
    [0, 1, 3],
    [0, 1, 2],
    [4, 5],
  ]);

  it("popularity proposes the most consumed unseen items", () => {
    const p = new PopularitySource(m).propose(-1, Int32Array.of(0), 3, new Set([0]));
    expect(Array.from(p.items)).toEqual([1, 2, 3]);
    expect(Array.from(p.scores)).toEqual([3, 2, 1]);
  });

  it("next-item follows the time order: after 1 comes 2 (twice) before 3 (once), never 0", () => {
    const p = new NextItemSource(m, 1, 10, 1).propose(-1, Int32Array.of(1), 5, new Set([1]));
    expect(Array.from(p.items)).toEqual([2, 3]);
    expect(p.scores[0]!).toBeGreaterThan(p.scores[1]!);
    // Co-occurrence is symmetric: from 1 it reaches 0 as well, and nothing from the disjoint 4-5 pair.
    const c = new CooccurrenceSource(m, 10).propose(-1, Int32Array.of(1), 5, new Set([1]));
    expect(Array.from(c.items)).toContain(0);
    expect(Array.from(c.items)).not.toContain(4);
  });

  it("merge respects quotas, de-duplicates and keeps every source's score", () => {
    const merged = mergeCandidates([
      {
        name: "next",
        quota: 2,
        proposals: { items: Int32Array.of(5, 6, 7), scores: Float32Array.of(3, 2, 1) },
      },
      {
        name: "pop",
        quota: 2,
        proposals: { items: Int32Array.of(6, 8, 9), scores: Float32Array.of(30, 20, 10) },
      },
    ]);
    // 6 is proposed by both: taken once (for pop), so next fills its quota with 7; 9 is beyond the quotas.
    expect(merged.map((c) => c.item)).toEqual([5, 6, 7, 8]);
    expect(merged[1]!.sources).toEqual({ next: 2, pop: 30 });
    expect(merged[0]!.sources).toEqual({ next: 3 });
  });
});

describe("recall-merged", () => {
  const data = syntheticData(150, 60, 3, 8);
  const dataset = datasetOf(data);
  const split = leaveOneOutSplit(data);

  it("ranks only candidates, which carry their sources, and contain the MF top-N", async () => {
    const config = testConfig({
      sources: { quotaMf: 10, quotaNext: 10, quotaCooc: 10, quotaPop: 5, ann: "flat" },
    });
    const merged = new RecallMergedRecommender(config.recall);
    await merged.fit({ history: split.train, validation: split.validation, dataset, seed: 1 });
    const candidates = merged.recall.forUser(0);
    expect(candidates.length).toBeLessThanOrEqual(35);
    expect(new Set(candidates.map((c) => c.item)).size).toBe(candidates.length);
    const seen = new Set(split.train.items.subarray(split.train.indptr[0]!, split.train.indptr[1]!));
    for (const c of candidates) {
      expect(seen.has(c.item)).toBe(false);
      expect(Object.keys(c.sources).length).toBeGreaterThan(0);
    }
    const out = new Float32Array(data.numItems);
    merged.scoreBatch(Int32Array.of(0), out);
    expect(out.filter((v) => !Number.isNaN(v)).length).toBe(candidates.length);

    // The candidates contain the MF source's top 10 (exact flat index), so the candidate set (≤ 35 items)
    // recalls at least what the same ALS model recalls in its own top 10, and more from the other sources.
    const als = alsRecommender(config.recall);
    await als.fit({ history: split.train, validation: split.validation, dataset, seed: 1 });
    const recallAt = (model: typeof als | typeof merged, k: number) =>
      evaluate(model, split.train, split.validation, { ks: [k] }).metrics[`recall@${k}`]!;
    expect(recallAt(merged, 35)).toBeGreaterThanOrEqual(recallAt(als, 10));
    expect(recallAt(merged, 35)).toBeGreaterThan(0.8);

    // A block of users (7: one four-query scan, then a short group of three) recalls what each alone does.
    const users = [0, 3, 5, 8, 13, 21, 34];
    const histories = users.map((u) =>
      split.train.items.subarray(split.train.indptr[u]!, split.train.indptr[u + 1]!),
    );
    const block = merged.recall.forHistories(users, histories);
    users.forEach((u, b) => {
      expect(block[b]).toEqual(merged.recall.forUser(u));
    });
  });

  it("is registered with mf-als, mf-bpr, recall-merged, seq and seq-search; the refit factory honours tuned epochs", async () => {
    const models = recallModels(testConfig());
    expect(Object.keys(models).sort()).toEqual(["mf-als", "mf-bpr", "recall-merged", "seq", "seq-search"]);
    const refit = models["mf-als"]!({ seed: 1, tuned: { epochs: 2 } });
    const fit = await refit.fit({ history: data, dataset, seed: 1 });
    expect(fit.tuned).toEqual({ epochs: 2 });
    expect(fit.curve).toEqual([]);
  });
});
