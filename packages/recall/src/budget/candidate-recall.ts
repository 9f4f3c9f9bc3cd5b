import type { Proposals, SourceName } from "../sources/candidate.js";
import { mergeCandidates } from "../sources/merge.js";
import type { SourceLists } from "./source-lists.js";

/** Per user: the share of their held-out items inside a candidate set (the harness's recall). */
const recallOf = (target: Int32Array, inSet: (item: number) => boolean) => {
  let hits = 0;
  for (const t of target) if (inSet(t)) hits++;
  return hits / target.length;
};

const prefix = (p: Proposals, k: number): Proposals => ({
  items: p.items.subarray(0, k),
  scores: p.scores.subarray(0, k),
});

/** Recall of each source's top `k` alone, per user (aligned with `lists.users`). */
export function sourceRecall(lists: SourceLists, source: SourceName, k: number): Float64Array {
  const s = lists.names.indexOf(source);
  return Float64Array.from(lists.lists, (own, u) => {
    const top = new Set(own[s]!.items.subarray(0, k));
    return recallOf(lists.targets[u]!, (i) => top.has(i));
  });
}

/**
 * Quotas that split `total` candidates in proportion to `shares` (largest remainders, ties to the
 * earlier source), so a split is comparable at any budget. Shares of 0 get no quota.
 */
export function quotasFor(shares: readonly number[], total: number): number[] {
  const sum = shares.reduce((a, b) => a + b, 0);
  const exact = shares.map((w) => (sum > 0 ? (w * total) / sum : 0));
  const quotas = exact.map(Math.floor);
  let left = total - quotas.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, s) => [x - Math.floor(x), s] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, s] of order) {
    if (left <= 0) break;
    if (shares[s]! > 0) [quotas[s], left] = [quotas[s]! + 1, left - 1];
  }
  return quotas;
}

export interface MergedRecall {
  recall: Float64Array;
  /** Mean unique candidates per user (duplicates across sources collapse, so it is at most the total). */
  meanSize: number;
}

/** Recall of the merged set under per-source `quotas` (in `lists.names` order), as the pipeline merges. */
export function mergedRecall(lists: SourceLists, quotas: readonly number[]): MergedRecall {
  let size = 0;
  const recall = Float64Array.from(lists.lists, (own, u) => {
    const merged = mergeCandidates(
      own.map((p, s) => ({ name: lists.names[s]!, quota: quotas[s]!, proposals: prefix(p, quotas[s]!) })),
    );
    size += merged.length;
    const set = new Set(merged.map((c) => c.item));
    return recallOf(lists.targets[u]!, (i) => set.has(i));
  });
  return { recall, meanSize: lists.users.length > 0 ? size / lists.users.length : 0 };
}
