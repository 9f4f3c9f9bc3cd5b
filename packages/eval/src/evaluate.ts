import { Progress } from "@tandem/core";
import { itemCounts, type UserItems } from "@tandem/data";
import { METRICS, userMetrics } from "./metrics.js";
import type { Recommender } from "./recommender.js";
import { topK } from "./top-k.js";
import { TopKHeap } from "./top-k-heap.js";

export interface EvalResult {
  /** Users with at least one target item (the ones averaged over). */
  users: number;
  ks: number[];
  /** Mean per-user metrics keyed "recall@10", "ndcg@20", ...; plus "coverage@K" and "avgpop@K". */
  metrics: Record<string, number>;
  /** The evaluated user indexes, ascending: the rows of every `perUser` vector. */
  userIndexes: Int32Array;
  /** Per-user values of every averaged metric (not coverage): what bootstrap CIs and paired tests resample. */
  perUser: Record<string, Float64Array>;
}

export interface EvaluateOptions {
  ks: readonly number[];
  /** Users scored per scoreBatch call. Default 64. */
  batchSize?: number;
  /** Mask the user's history items before ranking (no repeats recommended). Default true. */
  maskHistory?: boolean;
  /** Progress over the users on stderr. Default false. */
  progress?: boolean;
  /** Progress label. Default "score". */
  label?: string;
}

/**
 * Full-ranking evaluation: for each user with targets, every item is scored, the user's `history` is
 * masked, and the top max(K) is compared with `targets`. Coverage is the share of the catalogue that
 * appears in any top-K; avgpop is the mean history interaction count of recommended items.
 */
export function evaluate(
  model: Recommender,
  history: UserItems,
  targets: UserItems,
  options: EvaluateOptions,
): EvalResult {
  const ks = [...options.ks].sort((a, b) => a - b);
  const maxK = ks[ks.length - 1]!;
  const numItems = history.numItems;
  const popularity = itemCounts(history);
  const users: number[] = [];
  for (let u = 0; u < targets.numUsers; u++) if (targets.indptr[u + 1]! > targets.indptr[u]!) users.push(u);

  const perUser: Record<string, Float64Array> = {};
  const vector = (key: string) => {
    perUser[key] ??= new Float64Array(users.length);
    return perUser[key]!;
  };
  const recommended = ks.map(() => new Uint8Array(numItems));
  const maskHistory = options.maskHistory ?? true;
  const record = (row0: number, u: number, ranked: Int32Array) => {
    const relevant = new Set(targets.items.subarray(targets.indptr[u]!, targets.indptr[u + 1]!));
    ks.forEach((k, ki) => {
      const m = userMetrics(ranked, relevant, k);
      for (const name of METRICS) vector(`${name}@${k}`)[row0] = m[name];
      let pop = 0;
      const n = Math.min(k, ranked.length);
      for (let r = 0; r < n; r++) {
        recommended[ki]![ranked[r]!] = 1;
        pop += popularity[ranked[r]!]!;
      }
      vector(`avgpop@${k}`)[row0] = n > 0 ? pop / n : 0;
    });
  };
  const bar = new Progress(options.label ?? "score", users.length, { enabled: options.progress ?? false });
  if (model.scoreCandidates) {
    // Candidate lists: the same top-k as a dense row that is -∞ elsewhere (the heap breaks ties by
    // index, whatever the push order), without touching every item per user.
    const heap = new TopKHeap(maxK);
    const seen = new Uint8Array(numItems);
    users.forEach((u, row0) => {
      const { items, scores } = model.scoreCandidates!(u);
      const from = history.indptr[u]!;
      const to = history.indptr[u + 1]!;
      if (maskHistory) for (let p = from; p < to; p++) seen[history.items[p]!] = 1;
      for (let r = 0; r < items.length; r++) {
        const score = Math.fround(scores[r]!);
        if (!seen[items[r]!] && score !== Number.NEGATIVE_INFINITY) heap.push(score, items[r]!);
      }
      if (maskHistory) for (let p = from; p < to; p++) seen[history.items[p]!] = 0;
      record(row0, u, heap.drain().keys);
      bar.tick(1);
    });
  } else {
    const batchSize = options.batchSize ?? 64;
    const scores = new Float32Array(batchSize * numItems);
    for (let start = 0; start < users.length; start += batchSize) {
      const batch = Int32Array.from(users.slice(start, start + batchSize));
      const out = scores.subarray(0, batch.length * numItems);
      model.scoreBatch(batch, out);
      bar.tick(batch.length);
      batch.forEach((u, b) => {
        const row = out.subarray(b * numItems, (b + 1) * numItems);
        if (maskHistory)
          for (let p = history.indptr[u]!; p < history.indptr[u + 1]!; p++)
            row[history.items[p]!] = Number.NEGATIVE_INFINITY;
        record(
          start + b,
          u,
          topK(row, maxK, (i) => row[i] === Number.NEGATIVE_INFINITY),
        );
      });
    }
  }
  const metrics: Record<string, number> = {};
  for (const [key, values] of Object.entries(perUser)) metrics[key] = mean(values);
  ks.forEach((k, ki) => {
    metrics[`coverage@${k}`] = recommended[ki]!.reduce((a, b) => a + b, 0) / numItems;
  });
  return { users: users.length, ks, metrics, userIndexes: Int32Array.from(users), perUser };
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return values.length > 0 ? s / values.length : 0;
}
