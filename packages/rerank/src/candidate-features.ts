/**
 * Candidates of one user with a dense feature matrix: row r describes item `items[r]`, column c is
 * feature `names[c]`. Every list of a training set or a request shares the same `names`.
 */
export interface CandidateFeatures {
  names: readonly string[];
  items: Int32Array;
  /** items.length × names.length, row-major. */
  values: Float32Array;
}

/** A training example: one user's candidates and which row (if any) is the item they chose next. */
export interface RankingExample {
  candidates: CandidateFeatures;
  /** Row of the held-out item in `candidates`, or -1 when recall missed it (such users teach nothing). */
  target: number;
}

export const featureRow = (c: CandidateFeatures, row: number) =>
  c.values.subarray(row * c.names.length, (row + 1) * c.names.length);
