import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, type TandemConfig } from "@tandem/core";
import { type Dataset, loadDataset } from "@tandem/data";
import { FEATURES, fitStages, type LinearFusion, type StageModels } from "@tandem/rerank";
import { createCachedEncoder, type TextEncoder } from "@tandem/semantic";
import { MemoryFeatureStore, type UserRecord } from "@tandem/store";
import { beforeAll, describe, expect, it } from "vitest";
import { writeTandemVersion } from "../src/index.js";

// Real data (ml-latest-small: users with ≥ 20 interactions, items with ≥ 50) and the real encoder: the
// version written by worker threads must hold exactly the records the single-thread path writes. The
// fusion is a fixed linear model over every feature (thread parity does not depend on its weights).
const dir = mkdtempSync(join(tmpdir(), "tandem-precompute-threads-"));
const base = {
  data: {
    dir: join(import.meta.dirname, "..", "..", "..", "data", "ml-latest-small"),
    minUserInteractions: 20,
    minItemInteractions: 50,
  },
  semantic: { cacheDir: join(dir, "cache") },
};

/** Every record a version receives, in write order, and the parts it was told are complete. */
class RecordingStore extends MemoryFeatureStore {
  readonly records: UserRecord[] = [];
  override async writeUsers(version: string, records: readonly UserRecord[]): Promise<void> {
    this.records.push(...records);
    return super.writeUsers(version, records);
  }
}

function expectSameRecords(got: readonly UserRecord[], want: readonly UserRecord[]): void {
  expect(got.map((r) => r.userId)).toEqual(want.map((r) => r.userId));
  for (let i = 0; i < want.length; i++) {
    const a = got[i]!;
    const b = want[i]!;
    expect(a.candidates!.items).toEqual(b.candidates!.items);
    expect(a.scalars).toEqual(b.scalars);
    const close = (x: Float32Array, y: Float32Array) => {
      expect(x.length).toBe(y.length);
      let worst = 0;
      for (let j = 0; j < y.length; j++) worst = Math.max(worst, Math.abs(x[j]! - y[j]!));
      expect(worst).toBeLessThanOrEqual(1e-6);
    };
    close(a.candidates!.features, b.candidates!.features);
    for (const kind of ["mf", "textProfile", "textLast"]) close(a.vectors![kind]!, b.vectors![kind]!);
  }
}

describe("candidate precompute on worker threads", () => {
  let config: TandemConfig;
  let dataset: Dataset;
  let encoder: TextEncoder;
  let stages: StageModels;
  const fusion: LinearFusion = {
    names: [...FEATURES],
    standardizer: {
      mean: new Float32Array(FEATURES.length),
      scale: new Float32Array(FEATURES.length).fill(1),
    },
    weights: Float32Array.from(FEATURES, (_, f) => (f % 2 === 0 ? 1 : 0.5) / (1 + f)),
    loss: 0,
    examples: 0,
  };

  beforeAll(async () => {
    config = loadConfig(base, {});
    dataset = await loadDataset(config.data.dir, config.data);
    encoder = await createCachedEncoder(config.semantic);
    stages = await fitStages(
      dataset.interactions,
      { config, dataset, seed: 7, encoder: async () => encoder },
      { epochs: 5 },
    );
  }, 600_000);

  /** Writes the version with `threads` and returns what the store received. */
  const write = async (stage: StageModels, threads: number, exclude: ReadonlySet<string>) => {
    const store = new RecordingStore();
    // A batch size that does not divide the users, so the last part is short.
    const written = await writeTandemVersion(store, "v", dataset, stage, fusion, {
      keep: 100,
      batch: 64,
      exclude,
      threads,
    });
    expect(await store.missingParts("v")).toEqual([]);
    expect(written.users).toBe(dataset.users.size - exclude.size);
    return store.records;
  };

  it("writes the same records, in the same order, on 1 and 2 threads (flat indexes)", async () => {
    expect(stages.textIndex.backend).toBe("flat");
    const ids = dataset.users.ids();
    const exclude = new Set([ids[3]!, ids[70]!, ids.at(-1)!]);
    const one = await write(stages, 1, exclude);
    expect(one.length).toBeGreaterThan(250);
    // Real lists: everyone has candidates and most fill the kept 100 (the catalogue has ~300 items).
    expect(one.every((r) => r.candidates!.items.length > 0)).toBe(true);
    expect(one.filter((r) => r.candidates!.items.length === 100).length).toBeGreaterThan(one.length / 2);
    expectSameRecords(await write(stages, 2, exclude), one);
  }, 300_000);

  it("writes the same records on 1 and 3 threads with usearch HNSW indexes (the saved graph is loaded)", async () => {
    const usearch = loadConfig({ ...base, recall: { sources: { ann: "usearch", textAnn: "usearch" } } }, {});
    const stage = await fitStages(
      dataset.interactions,
      { config: usearch, dataset, seed: 7, encoder: async () => encoder },
      { mf: stages.mf },
    );
    expect(stage.textIndex.backend).toBe("usearch");
    const one = await write(stage, 1, new Set());
    expectSameRecords(await write(stage, 3, new Set()), one);
  }, 300_000);
});
