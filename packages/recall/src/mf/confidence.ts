import { type UserItems, type ValueWeighting, valueWeight } from "@tandem/data";

/** How interactions become ALS confidences c = 1 + alpha · f(value) · w. */
export interface ConfidenceParams {
  alpha: number;
  weighting: "none" | "bm25";
  /** f(value); absent (older artifacts) is "none". */
  value?: ValueWeighting;
  k1: number;
  b: number;
}

/**
 * BM25 statistics of the training matrix, kept with the model so a new user's row can be weighted
 * exactly like the rows the model was trained on (fold-in).
 */
export interface Bm25Stats {
  /** Per item: log(numUsers) − log(1 + users who have it). */
  idf: Float32Array;
  avgLength: number;
}

export function bm25Stats(m: UserItems): Bm25Stats {
  const df = new Float64Array(m.numItems);
  for (let p = 0; p < m.indptr[m.numUsers]!; p++) df[m.items[p]!]!++;
  const n = Math.max(1, m.numUsers);
  const idf = Float32Array.from(df, (d) => Math.max(0, Math.log(n) - Math.log1p(d)));
  return { idf, avgLength: m.indptr[m.numUsers]! / n };
}

/**
 * Confidences for one row (the BM25 weight of a present term with tf = 1), scaled by f(value) when the
 * row's `values` are given; a row without values (an online fold-in) counts each interaction as f = 1.
 */
export function rowConfidence(
  items: ArrayLike<number>,
  params: ConfidenceParams,
  stats: Bm25Stats,
  out = new Float32Array(items.length),
  values?: ArrayLike<number>,
): Float32Array {
  const mode = params.value ?? "none";
  const f = (n: number) => (values && mode !== "none" ? valueWeight(values[n]!, mode) : 1);
  if (params.weighting === "none") {
    if (!values || mode === "none") return out.fill(1 + params.alpha);
    for (let n = 0; n < items.length; n++) out[n] = 1 + params.alpha * f(n);
    return out;
  }
  const lengthNorm = 1 - params.b + (params.b * items.length) / Math.max(stats.avgLength, 1e-9);
  const tf = (params.k1 + 1) / (params.k1 * lengthNorm + 1);
  for (let n = 0; n < items.length; n++) out[n] = 1 + params.alpha * f(n) * tf * stats.idf[items[n]!]!;
  return out;
}

/** Confidence of every stored interaction, aligned with `m.items`. */
export function matrixConfidence(m: UserItems, params: ConfidenceParams, stats: Bm25Stats): Float32Array {
  const conf = new Float32Array(m.items.length);
  for (let u = 0; u < m.numUsers; u++) {
    const s = m.indptr[u]!;
    const e = m.indptr[u + 1]!;
    rowConfidence(m.items.subarray(s, e), params, stats, conf.subarray(s, e), m.values.subarray(s, e));
  }
  return conf;
}
