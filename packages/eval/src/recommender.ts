import type { Dataset, UserItems } from "@tandem/data";
import type { SearchReport } from "./search/searched-factory.js";

/** What a model may learn from. */
export interface FitInput {
  /** The interactions the model may see: train while tuning, train + validation at test time. */
  history: UserItems;
  /** Present only while tuning: held-out items for early stopping / model selection. Never at test time. */
  validation?: UserItems;
  /** Catalogue and id maps (item text for semantic models). */
  dataset: Dataset;
  seed: number;
  /** Show progress on stderr. Default false. */
  progress?: boolean;
}

/** What fitting produced, for reports. `tuned` is passed back to the factory for the test-time refit. */
export interface FitReport {
  tuned?: Record<string, number | string>;
  /** Validation curve: one point per epoch/step when the model has one. */
  curve?: { step: number; metric: string; value: number }[];
  /** Fixed settings a report must show, e.g. `zeroed`: the feature columns an ablation forces to 0. */
  details?: Record<string, string>;
  /** The hyperparameter search behind `tuned`, for models that declare a search space. */
  search?: SearchReport;
  seconds: number;
}

/**
 * A model in the harness. Models share fit / score; saving and loading are per model family.
 * Scores are "higher is better"; the harness masks the history and takes the top K.
 */
export interface Recommender {
  readonly name: string;
  fit(input: FitInput): Promise<FitReport>;
  /** Scores every item for each user in `users`: out[b * numItems + item]. `out` has users.length * numItems. */
  scoreBatch(users: Int32Array, out: Float32Array): void;
  /**
   * Optional, for models that score only a candidate list per user (every other item -∞ in
   * `scoreBatch`): those items and scores. The harness then ranks O(candidates) per user, not O(items).
   */
  scoreCandidates?(user: number): { items: Int32Array; scores: ArrayLike<number> };
}

/** Builds a fresh model; `tuned` carries what validation chose (e.g. the best epoch count) for the refit. */
export type ModelFactory = (options: {
  seed: number;
  tuned?: Record<string, number | string>;
}) => Recommender;
