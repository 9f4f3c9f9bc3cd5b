import { join } from "node:path";
import { type Dataset, loadDataset, userItemsOf } from "@tandem/data";
import { loadTandemArtifacts, saveTandemArtifacts, writeTandemVersion } from "@tandem/nightly";
import {
  buildCandidates,
  FEATURE_INDEX,
  FEATURES,
  type FeatureName,
  FusionScorer,
  fitStages,
  type LinearFusion,
  type StageModels,
} from "@tandem/rerank";
import { createCachedEncoder } from "@tandem/semantic";
import { StoreRankingEngine } from "@tandem/serving";
import { MemoryFeatureStore, type UserRecord } from "@tandem/store";
import { beforeAll, describe, expect, it } from "vitest";
import { denseSliceConfig } from "./dense-slice.js";

// Real data (a dense slice of ml-latest-small), the real encoder, a small seq model (one epoch: parity
// does not depend on its quality) and the text → MF projection: the `seq` and `textMf` features /v1/rank
// derives from a version's stored vectors must equal the ones precompute computed for the same pairs.
const { dir, config } = denseSliceConfig("tandem-seq-textmf-", () => ({
  rerank: { seq: true, textMf: true },
  recall: {
    seq: { dim: 16, blocks: 1, maxLen: 20, maxEpochs: 1, batchSize: 64 },
    sources: { quotaSeq: 30 },
  },
}));

/** Columns request time derives from vectors; the others (source scores and flags) need recall. */
const DERIVED: FeatureName[] = [
  "mf",
  "textProfile",
  "textLast",
  "textMf",
  "seq",
  "logPop",
  "recentPop",
  "age",
];
/** A fixed fusion over the derived columns only, so a request-time score is comparable to precompute's. */
const fusion: LinearFusion = {
  names: [...FEATURES],
  standardizer: {
    mean: new Float32Array(FEATURES.length),
    scale: new Float32Array(FEATURES.length).fill(1),
  },
  weights: Float32Array.from(FEATURES, (f, c) => (DERIVED.includes(f) ? 1 / (1 + c) : 0)),
  loss: 0,
  examples: 0,
};

describe("seq and textMf: precompute and request time agree", () => {
  let dataset: Dataset;
  let stage: StageModels;
  let ctx: Parameters<typeof fitStages>[1];

  beforeAll(async () => {
    dataset = await loadDataset(config.data.dir, config.data);
    const encoder = await createCachedEncoder(config.semantic);
    ctx = { config, dataset, seed: 7, encoder: async () => encoder };
    stage = await fitStages(dataset.interactions, ctx, { epochs: 3, seqEpochs: 1 });
  }, 600_000);

  it("builds non-trivial seq and textMf columns and seq candidates", () => {
    expect(stage.seq?.epochs).toBe(1);
    expect(stage.textMf?.length).toBe(dataset.items.size * stage.mf.dim);
    const { features, candidates } = buildCandidates(stage, 0, userItemsOf(stage.history, 0));
    const column = (f: FeatureName) =>
      Array.from(
        { length: features.items.length },
        (_, r) => features.values[r * FEATURES.length + FEATURE_INDEX[f]]!,
      );
    for (const f of ["seq", "textMf"] as const) expect(new Set(column(f)).size).toBeGreaterThan(10);
    expect(candidates.filter((c) => c.sources.seq !== undefined).length).toBe(30);
    expect(column("fromSeq").filter((x) => x === 1).length).toBe(30);
  });

  it("/v1/rank scores items outside the stored candidates as precompute scores them", async () => {
    const store = new MemoryFeatureStore();
    // Few stored candidates: most of a user's recall list must be derived from vectors at request time.
    await writeTandemVersion(store, "v1", dataset, stage, fusion, { keep: 10 });
    await store.publish("v1");
    const info = (await store.versionInfo("v1"))!;
    expect(info.itemKinds["seq"]).toBe(16);
    expect(info.itemKinds["textMf"]).toBe(stage.mf.dim + 1);
    expect(info.userKinds["seq"]).toBe(16);
    const engine = new StoreRankingEngine({ store, timeoutMs: 5_000, scheduleUpdates: async () => {} });
    const scorer = new FusionScorer(fusion);
    let derived = 0;
    for (let u = 0; u < dataset.users.size; u += 5) {
      const { features } = buildCandidates(stage, u, userItemsOf(stage.history, u));
      const want = scorer.score(features);
      const itemIds = Array.from(features.items.subarray(0, 80), (i) => dataset.items.id(i));
      const got = await engine.rank({ userId: dataset.users.id(u), itemIds });
      const byId = new Map(got.items.map((i) => [i.itemId, i.score]));
      itemIds.forEach((id, r) => {
        expect(byId.get(id)).toBeCloseTo(want[r]!, 4);
      });
      derived += itemIds.length - 10;
    }
    expect(derived).toBeGreaterThan(1000);
  }, 120_000);

  it("worker threads write the same seq vectors and features as this thread (stage parts round trip)", async () => {
    const write = async (threads: number) => {
      const records: UserRecord[] = [];
      const store = new (class extends MemoryFeatureStore {
        override async writeUsers(version: string, rs: readonly UserRecord[]) {
          records.push(...rs);
          return super.writeUsers(version, rs);
        }
      })();
      await writeTandemVersion(store, "v", dataset, stage, fusion, { keep: 50, threads });
      return records;
    };
    const one = await write(1);
    const two = await write(2);
    expect(two.map((r) => r.userId)).toEqual(one.map((r) => r.userId));
    one.forEach((a, i) => {
      const b = two[i]!;
      expect(b.candidates!.items).toEqual(a.candidates!.items);
      expect(b.candidates!.features).toEqual(a.candidates!.features);
      expect(a.vectors!["seq"]!.length).toBe(16);
      expect(b.vectors!["seq"]).toEqual(a.vectors!["seq"]);
    });
  }, 300_000);

  it("a stage restored from the nightly's artifacts has the same seq states and textMf vectors", async () => {
    const modelDir = join(dir, "model");
    saveTandemArtifacts(modelDir, stage.mf, fusion, stage.seq!.model);
    const saved = (await loadTandemArtifacts(modelDir, dataset.interactions))!;
    expect(saved.seq).toBeDefined();
    const restored = await fitStages(dataset.interactions, ctx, { mf: saved.mf, seq: saved.seq! });
    expect(restored.seq!.states).toEqual(stage.seq!.states);
    expect(restored.seq!.items).toEqual(stage.seq!.items);
    expect(restored.textMf).toEqual(stage.textMf);
    const u = 3;
    const a = buildCandidates(stage, u, userItemsOf(stage.history, u)).features;
    const b = buildCandidates(restored, u, userItemsOf(restored.history, u)).features;
    expect(b.items).toEqual(a.items);
    expect(b.values).toEqual(a.values);
  }, 300_000);
});
