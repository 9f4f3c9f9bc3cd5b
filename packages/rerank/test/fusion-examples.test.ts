import { join } from "node:path";
import { loadConfig } from "@tandem/core";
import { type Dataset, dayUnit, loadDataset, type UserItems, userItemsOf } from "@tandem/data";
import { buildProfiles, type TextEncoder } from "@tandem/semantic";
import { beforeAll, describe, expect, it } from "vitest";
import {
  buildCandidates,
  cutExamples,
  FEATURE_INDEX,
  fitStages,
  historyKey,
  holdOutLast,
  holdOutTail,
  type RankingExample,
  type StageContext,
  TandemRecommender,
} from "../src/index.js";

/** Deterministic 16-d unit vectors from the text's characters: real text, no model to load. */
const fakeEncoder: TextEncoder = {
  id: "test-hash-16",
  dim: 16,
  embed: async (texts) =>
    texts.map((t) => {
      const v = new Float32Array(16);
      for (let i = 0; i < t.length; i++) v[(t.charCodeAt(i) * 7 + i) % 16]! += 1;
      const n = Math.hypot(...v) || 1;
      return v.map((x) => x / n);
    }),
};

const config = (fusionCuts: number) =>
  loadConfig(
    {
      data: {
        dir: join(import.meta.dirname, "..", "..", "..", "data", "ml-latest-small"),
        minUserInteractions: 50,
        minItemInteractions: 50,
      },
      recall: { als: { threads: 1 } },
      rerank: { fusionCuts },
    },
    {},
  );

/** Every user's last item replaced by another item they never had: a different future. */
function otherFuture(h: UserItems): UserItems {
  const items = h.items.slice();
  for (let u = 0; u < h.numUsers; u++) {
    const a = h.indptr[u]!;
    const b = h.indptr[u + 1]!;
    const own = new Set(items.subarray(a, b));
    let i = (items[b - 1]! + 1) % h.numItems;
    while (own.has(i)) i = (i + 1) % h.numItems;
    items[b - 1] = i;
  }
  return { ...h, items };
}

const sameFeatures = (a: RankingExample[], b: RankingExample[]) => {
  expect(a.length).toBe(b.length);
  a.forEach((e, k) => {
    expect(Array.from(b[k]!.candidates.items)).toEqual(Array.from(e.candidates.items));
    expect(Array.from(b[k]!.candidates.values)).toEqual(Array.from(e.candidates.values));
  });
};

describe("fusion examples from several cuts per user", () => {
  let dataset: Dataset;
  const ctxOf = (cuts: number): StageContext => ({
    config: config(cuts),
    dataset,
    seed: 3,
    encoder: async () => fakeEncoder,
  });
  const set = (cuts: number, history: UserItems) =>
    new TandemRecommender(ctxOf(cuts), { epochs: 4 }).fusionTrainingSet(history, ctxOf(cuts));

  beforeAll(async () => {
    dataset = await loadDataset(config(1).data.dir, config(1).data);
  }, 120_000);

  it("with one cut: each user's latest item against stages fitted without it, as before", async () => {
    const h = dataset.interactions;
    const { stage, examples, owners } = await set(1, h);
    const { inner, targets } = holdOutLast(h);
    expect(historyKey(stage.history)).toBe(historyKey(inner));
    expect(examples.length).toBe(h.numUsers);
    examples.forEach((e, k) => {
      const u = owners[k]!;
      expect(u).toBe(k);
      const { features } = buildCandidates(stage, u, userItemsOf(inner, u));
      expect(Array.from(e.candidates.values)).toEqual(Array.from(features.values));
      expect(e.target).toBe(features.items.indexOf(targets.items[targets.indptr[u]!]!));
    });
  }, 120_000);

  it("no example's features depend on its target or anything after it", async () => {
    // A different last item for every user changes the last cut's target and nothing a cut sees.
    const h = dataset.interactions;
    const a = await set(3, h);
    const b = await set(3, otherFuture(h));
    expect(a.examples.length).toBe(3 * h.numUsers);
    sameFeatures(a.examples, b.examples);
    expect(a.examples.some((e, k) => e.target !== b.examples[k]!.target)).toBe(true);
    const { inner } = holdOutTail(h, 3);
    expect(historyKey(a.stage.history)).toBe(historyKey(inner));
    // Control: cuts built on a stage that saw the whole history do move with the swap, so the
    // comparison above would catch a stage fitted on the targets.
    const leaky = async (history: UserItems) => {
      const { inner: i, tail } = holdOutTail(history, 3);
      const stage = await fitStages(history, ctxOf(3), { epochs: 4 });
      const time = { halfLifeDays: config(3).semantic.halfLifeDays, day: dayUnit(dataset.time) };
      return cutExamples(stage, i, tail, [0, 1, 2, 3], time).examples;
    };
    const [x, y] = [await leaky(h), await leaky(otherFuture(h))];
    expect(x.some((e, k) => e.candidates.values.some((v, p) => v !== y[k]!.candidates.values[p]))).toBe(true);
  }, 300_000);

  it("later cuts fold the user in from their prefix and leave the stage as it was", async () => {
    const h = dataset.interactions;
    const cfg = config(3);
    const ctx = ctxOf(3);
    const { inner, tail } = holdOutTail(h, 3);
    const stage = await fitStages(inner, ctx, { epochs: 4 });
    const factors = stage.mf.parts.userFactors.slice();
    const profiles = stage.profiles.slice();
    const profileTime = { halfLifeDays: cfg.semantic.halfLifeDays, day: dayUnit(dataset.time) };
    const prefixes: Int32Array[] = [];
    const { examples, users } = cutExamples(stage, inner, tail, [0, 5], profileTime, (s, u, prefix) => {
      prefixes.push(prefix.slice());
      return buildCandidates(s, u, prefix).features;
    });
    expect(Array.from(users)).toEqual([0, 0, 0, 5, 5, 5]);
    expect(Array.from(stage.mf.parts.userFactors)).toEqual(Array.from(factors));
    expect(Array.from(stage.profiles)).toEqual(Array.from(profiles));
    const k = stage.mf.dim;
    examples.forEach((e, n) => {
      const u = users[n]!;
      const cut = n % 3;
      const full = userItemsOf(h, u);
      const at = full.length - 3 + cut;
      // The prefix is exactly the history before the cut; the target is the item at it.
      expect(Array.from(prefixes[n]!)).toEqual(Array.from(full.subarray(0, at)));
      if (e.target >= 0) expect(e.candidates.items[e.target]).toBe(full[at]);
      if (cut === 0) return;
      const mf = stage.mf.foldIn(prefixes[n]!);
      const one: UserItems = {
        numUsers: 1,
        numItems: h.numItems,
        indptr: Int32Array.of(0, at),
        items: full.subarray(0, at),
        times: h.times.subarray(h.indptr[u]!, h.indptr[u]! + at),
        values: new Float32Array(at),
      };
      const profile = buildProfiles(
        one,
        stage.itemText,
        stage.textDim,
        profileTime.halfLifeDays,
        profileTime.day,
      );
      const dim = e.candidates.names.length;
      for (const r of [0, Math.floor(e.candidates.items.length / 2)]) {
        const i = e.candidates.items[r]!;
        let dot = 0;
        for (let d = 0; d < k; d++) dot += mf[d]! * stage.mf.parts.itemFactors[i * k + d]!;
        expect(e.candidates.values[r * dim + FEATURE_INDEX.mf]).toBeCloseTo(dot, 4);
        let cos = 0;
        for (let d = 0; d < stage.textDim; d++) cos += profile[d]! * stage.itemText[i * stage.textDim + d]!;
        expect(e.candidates.values[r * dim + FEATURE_INDEX.textProfile]).toBeCloseTo(cos, 4);
      }
    });
  }, 120_000);
});
