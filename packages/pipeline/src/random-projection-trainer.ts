import { Rng } from "@tandem/core";
import { type Dataset, itemCounts } from "@tandem/data";
import type { TrainedModel, Trainer } from "./compute.js";

/**
 * A cheap, deterministic stand-in for CF training: each item vector is the normalised sum of seeded
 * Gaussian vectors of the users who interacted with it (a random projection of the item's user set,
 * so co-consumed items get similar vectors); a user vector is the mean of their items' vectors.
 * For tests of the train-cf job and benchmarks; @tandem/recall's ALS/BPR trainers replace it.
 */
export class RandomProjectionTrainer implements Trainer {
  constructor(
    private readonly dataset: Dataset,
    readonly dims = 16,
    readonly seed = 42,
  ) {}

  async train(): Promise<TrainedModel> {
    const { interactions: h, users, items } = this.dataset;
    const d = this.dims;
    const rng = new Rng(this.seed);
    const userNoise = Float32Array.from({ length: users.size * d }, () => rng.normal());
    const itemVectors = new Float32Array(items.size * d);
    for (let u = 0; u < users.size; u++) {
      for (let p = h.indptr[u]!; p < h.indptr[u + 1]!; p++) {
        const i = h.items[p]!;
        for (let k = 0; k < d; k++) itemVectors[i * d + k]! += userNoise[u * d + k]!;
      }
    }
    normaliseRows(itemVectors, d);
    const userVectors = new Float32Array(users.size * d);
    for (let u = 0; u < users.size; u++) {
      const n = h.indptr[u + 1]! - h.indptr[u]!;
      for (let p = h.indptr[u]!; p < h.indptr[u + 1]!; p++) {
        const i = h.items[p]!;
        for (let k = 0; k < d; k++) userVectors[u * d + k]! += itemVectors[i * d + k]! / n;
      }
    }
    const counts = itemCounts(h);
    const order = Array.from(counts.keys()).sort((a, b) => counts[b]! - counts[a]! || a - b);
    return {
      kind: "mf",
      dims: d,
      itemIds: items.ids(),
      itemVectors,
      userIds: users.ids(),
      userVectors,
      meta: { model: "random-projection", dims: d, seed: this.seed, users: users.size, items: items.size },
      popularity: {
        items: order.map((i) => items.id(i)),
        scores: Float32Array.from(order, (i) => counts[i]!),
      },
    };
  }
}

function normaliseRows(m: Float32Array, d: number): void {
  for (let r = 0; r < m.length / d; r++) {
    let norm = 0;
    for (let k = 0; k < d; k++) norm += m[r * d + k]! ** 2;
    if (norm > 0) for (let k = 0; k < d; k++) m[r * d + k]! /= Math.sqrt(norm);
  }
}
