import { type Dataset, dayUnit } from "@tandem/data";
import { evaluate, type FitInput, type FitReport, type Recommender } from "@tandem/eval";
import type { TextEncoder } from "../encoder/text-encoder.js";
import { buildProfiles } from "../profile/build-profiles.js";
import { embedItems } from "../text/embed-items.js";
import type { ItemTextTemplate } from "../text/item-text.js";

export interface SemanticRecommenderOptions {
  /** Resolved lazily so that building a factory does not load a model. Usually a cached encoder. */
  encoder: () => Promise<TextEncoder>;
  template: ItemTextTemplate | string;
  /** Profile half-life used when there is nothing to tune on (or fixed by a previous tuning). */
  halfLifeDays: number;
  /**
   * Half-lives tried on validation (best NDCG@10 kept and passed to the refit as `tuned.halfLifeDays`).
   * Empty or absent: no tuning.
   */
  halfLifeGrid?: readonly number[];
}

/** Item embeddings by dataset, so the tuning fit and the refit of one protocol embed once. */
const embeddingsByDataset = new WeakMap<Dataset, Map<string, Promise<Float32Array>>>();

/** Embeddings of `dataset.itemInfo` (row i = item index i), memoised per dataset, encoder and template. */
export function datasetItemVectors(
  dataset: Dataset,
  encoder: TextEncoder,
  template: ItemTextTemplate | string,
  progress = false,
): Promise<Float32Array> {
  let byKey = embeddingsByDataset.get(dataset);
  if (!byKey) {
    byKey = new Map();
    embeddingsByDataset.set(dataset, byKey);
  }
  const key =
    typeof template === "string"
      ? `${encoder.id}\u0000${template}`
      : `${encoder.id}\u0000${template.template}\u0000${template.maxChars}`;
  let vectors = byKey.get(key);
  if (!vectors) {
    vectors = embedItems(encoder, dataset.itemInfo, { template, progress });
    byKey.set(key, vectors);
  }
  return vectors;
}

/**
 * Content-only model: a user's score for an item is the cosine between the user's recency-weighted
 * semantic profile and the item's text embedding. Nothing is learnt from other users, so it is a floor
 * for collaborative models and the only one that can rank items nobody has interacted with.
 */
export class SemanticRecommender implements Recommender {
  readonly name = "semantic";
  private items: Float32Array = new Float32Array(0);
  private profiles: Float32Array = new Float32Array(0);
  private dim = 0;
  private numItems = 0;

  constructor(private readonly options: SemanticRecommenderOptions) {}

  async fit(input: FitInput): Promise<FitReport> {
    const started = performance.now();
    const encoder = await this.options.encoder();
    this.dim = encoder.dim;
    this.numItems = input.history.numItems;
    this.items = await datasetItemVectors(input.dataset, encoder, this.options.template, input.progress);
    let halfLifeDays = this.options.halfLifeDays;
    // Without timestamps a "day" is one row position, so the grid searches positions, and says so.
    const day = dayUnit(input.dataset.time);
    const curve: NonNullable<FitReport["curve"]> = [];
    const grid = this.options.halfLifeGrid ?? [];
    if (input.validation && grid.length > 0) {
      // Profiles are cheap (one pass over the history), so every candidate half-life is simply scored.
      let best = Number.NEGATIVE_INFINITY;
      for (const days of grid) {
        this.profiles = buildProfiles(input.history, this.items, this.dim, days, day);
        const ndcg = evaluate(this, input.history, input.validation, { ks: [10] }).metrics["ndcg@10"] ?? 0;
        curve.push({ step: days, metric: "ndcg@10", value: ndcg });
        if (ndcg > best) {
          best = ndcg;
          halfLifeDays = days;
        }
      }
    }
    this.profiles = buildProfiles(input.history, this.items, this.dim, halfLifeDays, day);
    return {
      tuned: { halfLifeDays },
      ...(curve.length > 0 ? { curve } : {}),
      ...(input.dataset.time === "order" && {
        details: { "half-life unit": "row positions (the data has no timestamps)" },
      }),
      seconds: (performance.now() - started) / 1000,
    };
  }

  /** Unit profile of user index u (a view). */
  profile(u: number): Float32Array {
    return this.profiles.subarray(u * this.dim, (u + 1) * this.dim);
  }

  scoreBatch(users: Int32Array, out: Float32Array): void {
    const { dim, numItems, items } = this;
    users.forEach((u, b) => {
      const p = this.profile(u);
      const base = b * numItems;
      for (let i = 0; i < numItems; i++) {
        let s = 0;
        const off = i * dim;
        for (let d = 0; d < dim; d++) s += p[d]! * items[off + d]!;
        out[base + i] = s;
      }
    });
  }
}
