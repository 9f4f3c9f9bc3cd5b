import { mkdtempSync, rmSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ArtifactError } from "@tandem/core";
import { leaveOneOutSplit } from "@tandem/data";
import { evaluate, PopularityRecommender } from "@tandem/eval";
import { afterAll, describe, expect, it } from "vitest";
import {
  flatBackend,
  lastItems,
  loadSeqModel,
  SeqSource,
  saveSeqModel,
  seqRecommender,
} from "../src/index.js";
import { datasetOf, syntheticData, testConfig } from "./fixtures.js";

const data = syntheticData();
const dataset = datasetOf(data);
const split = leaveOneOutSplit(data);
const config = () =>
  testConfig({
    seq: { dim: 16, maxLen: 12, blocks: 1, maxEpochs: 25, patience: 4, lr: 0.01, text: "none" },
  }).recall;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("seq (SASRec)", () => {
  it("learns the order: beats popularity and ranks the in-order next item first for most users", async () => {
    const model = seqRecommender(config());
    const fit = await model.fit({ history: split.train, validation: split.validation, dataset, seed: 1 });
    const best = Math.max(...fit.curve!.map((p) => p.value));
    expect(fit.tuned).toEqual({ epochs: fit.curve!.find((p) => p.value === best)!.step });
    const ndcg = evaluate(model, split.train, split.validation, { ks: [10] }).metrics["ndcg@10"]!;
    expect(ndcg).toBeCloseTo(best, 5); // the kept weights are the best epoch's
    const pop = new PopularityRecommender();
    await pop.fit({ history: split.train, dataset, seed: 1 });
    const popNdcg = evaluate(pop, split.train, split.validation, { ks: [10] }).metrics["ndcg@10"]!;
    expect(ndcg).toBeGreaterThan(2 * popNdcg);
    // Each group consumes its items in index order; the validation item follows the last train item.
    const users = Int32Array.from({ length: data.numUsers }, (_, u) => u);
    const scores = new Float32Array(users.length * data.numItems);
    model.scoreBatch(users, scores);
    let ahead = 0;
    for (const u of users) {
      const last = split.train.items[split.train.indptr[u + 1]! - 1]!;
      const row = scores.subarray(u * data.numItems, (u + 1) * data.numItems);
      // Among the items the user has not seen, the later items of the group outscore the earlier ones.
      const seen = new Set(split.train.items.subarray(split.train.indptr[u]!, split.train.indptr[u + 1]!));
      const group = Math.floor(last / 20) * 20;
      const later: number[] = [];
      const earlier: number[] = [];
      for (let i = group; i < group + 20; i++) if (!seen.has(i)) (i > last ? later : earlier).push(row[i]!);
      if (later.length && earlier.length && Math.max(...later) > Math.max(...earlier)) ahead++;
    }
    expect(ahead).toBeGreaterThan(0.7 * data.numUsers);
  });

  it("is reproducible for a seed, trains exactly the tuned epochs, and its state depends on order", async () => {
    const a = seqRecommender(config(), { epochs: 2 });
    const b = seqRecommender(config(), { epochs: 2 });
    await a.fit({ history: data, dataset, seed: 9 });
    await b.fit({ history: data, dataset, seed: 9 });
    expect(a.model.info.epochs).toBe(2);
    expect(Array.from(a.model.itemEmbeddings)).toEqual(Array.from(b.model.itemEmbeddings));
    const seq = lastItems(data, [0], 12);
    const real = Array.from(seq).filter((i) => i >= 0);
    const padding = Array.from(seq).filter((i) => i < 0);
    const s1 = a.model.states(seq);
    const s2 = a.model.states(Int32Array.from([...padding, ...real.reverse()]));
    expect(Array.from(s1)).not.toEqual(Array.from(s2));
  });

  it("saves and loads: same scores; a truncated weights file is an ArtifactError", async () => {
    const model = seqRecommender(config(), { epochs: 2 });
    await model.fit({ history: data, dataset, seed: 3 });
    const dir = mkdtempSync(join(tmpdir(), "tandem-seq-"));
    dirs.push(dir);
    saveSeqModel(dir, model.model);
    const loaded = await loadSeqModel(dir, { history: data });
    const seqs = lastItems(data, [0, 1, 2], 12);
    expect(Array.from(loaded.states(seqs))).toEqual(Array.from(model.model.states(seqs)));
    await expect(loadSeqModel(dir, { history: split.train })).rejects.toThrow(ArtifactError);
    truncateSync(join(dir, "weights.f32"), 100);
    await expect(loadSeqModel(dir)).rejects.toThrow(/expected \d+ bytes/);
  });

  it("as a recall source proposes the model's own top-k of unseen items, for known and unknown users", async () => {
    const model = seqRecommender(config(), { epochs: 3 });
    await model.fit({ history: data, dataset, seed: 5 });
    const source = new SeqSource(model.model, flatBackend);
    const scores = new Float32Array(data.numItems);
    for (const u of [0, 7, 50]) {
      const history = data.items.subarray(data.indptr[u]!, data.indptr[u + 1]!);
      const exclude = new Set(history);
      model.scoreBatch(Int32Array.of(u), scores);
      const expected = Array.from({ length: data.numItems }, (_, i) => i)
        .filter((i) => !exclude.has(i))
        .sort((a, b) => scores[b]! - scores[a]!)
        .slice(0, 10);
      const known = source.propose(u, history, 10, exclude);
      expect(Array.from(known.items)).toEqual(expected);
      expect(known.scores[0]).toBeCloseTo(scores[expected[0]!]!, 4);
      expect(Array.from(source.propose(-1, history, 10, exclude).items)).toEqual(expected);
    }
  });
});
