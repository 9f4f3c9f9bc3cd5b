/**
 * Per-user ranking metrics with binary relevance. `ranked` is the top-K list (best first), `relevant`
 * the held-out items. Definitions follow RecBole: NDCG's ideal DCG is over min(|relevant|, K); MAP@K
 * divides by min(|relevant|, K); MRR@K is the reciprocal rank of the first hit within K.
 */
export const METRICS = ["recall", "ndcg", "hit", "precision", "mrr", "map"] as const;
export type MetricName = (typeof METRICS)[number];

export function userMetrics(
  ranked: ArrayLike<number>,
  relevant: ReadonlySet<number>,
  k: number,
): Record<MetricName, number> {
  const n = Math.min(k, ranked.length);
  let hits = 0;
  let dcg = 0;
  let firstHit = 0;
  let precisionSum = 0;
  for (let r = 0; r < n; r++) {
    if (!relevant.has(ranked[r]!)) continue;
    hits++;
    dcg += 1 / Math.log2(r + 2);
    if (firstHit === 0) firstHit = r + 1;
    precisionSum += hits / (r + 1);
  }
  const ideal = Math.min(relevant.size, k);
  let idcg = 0;
  for (let r = 0; r < ideal; r++) idcg += 1 / Math.log2(r + 2);
  return {
    recall: relevant.size > 0 ? hits / relevant.size : 0,
    ndcg: idcg > 0 ? dcg / idcg : 0,
    hit: hits > 0 ? 1 : 0,
    precision: hits / k,
    mrr: firstHit > 0 ? 1 / firstHit : 0,
    map: ideal > 0 ? precisionSum / ideal : 0,
  };
}
