import { join } from "node:path";
import { loadConfig } from "../packages/core/src/index.js";
import { loadDataset } from "../packages/data/src/index.js";
import { FEATURES, fitStages, type LinearFusion } from "../packages/rerank/src/index.js";
import { createCachedEncoder } from "../packages/semantic/src/index.js";
import { initTf } from "../packages/tf/src/index.js";

const root = join(import.meta.dirname, "..");

/** A fixed fusion over every feature: the scorer's work is the same whatever the weights. */
export const fixedFusion = (): LinearFusion => ({
  names: [...FEATURES],
  standardizer: { mean: new Float32Array(FEATURES.length), scale: new Float32Array(FEATURES.length).fill(1) },
  weights: Float32Array.from(FEATURES, (_, f) => 1 / (1 + f)),
  loss: 0,
  examples: 0,
});

/** The precompute benches' config: a synthetic shape's folder, the shared embedding cache, one index kind. */
export const benchConfig = (
  dir: string,
  ann: "auto" | "flat" | "usearch",
  cacheDir = join(root, "scratch", "bench-cache"),
) =>
  loadConfig(
    {
      data: { dir },
      semantic: { cacheDir },
      recall: { sources: { ann, textAnn: ann } },
    },
    {},
  );

/**
 * The precompute bench's stages on the synthetic ML-1M shape it left in scratch/bench-data (3 ALS sweeps,
 * the cached item vectors), for the one-off profile and record-hash scripts. BENCH_PROFILE_DATA=<dir>
 * (with BENCH_PROFILE_CACHE=<embedding cache dir>) fits another dataset instead, e.g. a `tandem synth`
 * ML-25M shape whose texts a nightly has already embedded.
 */
export async function benchStages(ann: "auto" | "flat" | "usearch") {
  const dir = process.env["BENCH_PROFILE_DATA"] ?? join(root, "scratch", "bench-data", "ml-1m");
  const cache = process.env["BENCH_PROFILE_CACHE"];
  const config = benchConfig(dir, ann, cache && join(process.cwd(), cache));
  await initTf({ log: false });
  const dataset = await loadDataset(dir, config.data);
  const encoder = await createCachedEncoder(config.semantic);
  const stage = await fitStages(
    dataset.interactions,
    { config, dataset, seed: 1, encoder: async () => encoder },
    { epochs: 3 },
  );
  return { dataset, stage, fusion: fixedFusion() };
}
