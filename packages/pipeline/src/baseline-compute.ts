import type { TandemConfig } from "@tandem/core";
import { type Dataset, loadDataset } from "@tandem/data";
import { BaselineCandidateSource } from "./baseline-candidate-source.js";
import type { CandidateSource, Embedder, ProfileBuilder, Trainer } from "./compute.js";
import { HashingEmbedder } from "./hashing-embedder.js";
import { MeanVectorProfileBuilder } from "./mean-vector-profile-builder.js";
import type { NightlyRunOptions } from "./nightly-run.js";
import { RandomProjectionTrainer } from "./random-projection-trainer.js";

/** The compute a worker runs, by job type. */
export interface Compute {
  embedder: Embedder;
  candidates: CandidateSource;
  trainer: Trainer;
  profiles: ProfileBuilder;
  /**
   * What a nightly run of `version` needs besides its id, on the data as it is now (a compute that
   * snapshots its data does so here and names the snapshot in `metadata`).
   */
  prepareNightly(version: string): Promise<NightlySpec>;
  /** Releases what the compute holds (an encoder's thread pool); called by whoever created it. */
  close?(): Promise<void>;
}

export type NightlySpec = Omit<NightlyRunOptions, "version" | "chunkSize" | "embedBatchSize">;

/**
 * The compute this package can provide today, on the configured dataset: ItemKNN + popularity
 * candidates, random-projection "CF" vectors and the hashing (non-semantic) text embedder. It makes
 * the whole pipeline runnable end to end; the recall/semantic packages' ALS, ANN sources and text
 * encoder replace these parts when they land (same interfaces).
 */
export async function baselineCompute(config: TandemConfig, dataset?: Dataset): Promise<Compute> {
  const d =
    dataset ??
    (await loadDataset(config.data.dir, {
      format: config.data.format,
      minUserInteractions: config.data.minUserInteractions,
      minItemInteractions: config.data.minItemInteractions,
      ratingThreshold: config.data.ratingThreshold,
      skipMalformed: config.data.skipMalformed,
    }));
  const embedder = new HashingEmbedder(64);
  const trainer = new RandomProjectionTrainer(d, config.recall.factors, config.eval.seed);
  const candidates = await BaselineCandidateSource.fit(d);
  return {
    embedder,
    candidates,
    trainer,
    profiles: new MeanVectorProfileBuilder("text", config.semantic.halfLifeDays),
    prepareNightly: async () => ({
      items: d.itemInfo.map((item) => ({
        id: item.id,
        text: [item.title, ...(item.tags ?? []), ...Object.values(item.text ?? {})].join(" "),
      })),
      userIds: d.users.ids(),
      columns: [...candidates.columns],
      itemKinds: { mf: trainer.dims, text: embedder.dims },
      userKinds: { mf: trainer.dims, text: embedder.dims },
    }),
  };
}
