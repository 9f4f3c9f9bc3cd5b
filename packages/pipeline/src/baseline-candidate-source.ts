import { type Dataset, itemCounts } from "@tandem/data";
import { ItemKnnRecommender, topK } from "@tandem/eval";
import type { UserRecord } from "@tandem/store";
import type { CandidateSource } from "./compute.js";

export interface BaselineCandidateOptions {
  /** Candidates per user. Default 200. */
  size?: number;
  /** ItemKNN neighbours per item. Default 100. */
  neighbors?: number;
  /** Users scored per dense batch. Default 64. */
  batch?: number;
}

/**
 * Real but cheap candidates from the @tandem/eval baselines: ItemKNN co-occurrence scores, filled up
 * with popular items, history removed. Columns: `cooc` (summed cosine to the history) and `pop`
 * (interaction count / max count). A stand-in until @tandem/recall's sources plug in here.
 */
export class BaselineCandidateSource implements CandidateSource {
  readonly columns = ["cooc", "pop"] as const;
  private readonly size: number;
  private readonly batch: number;
  private readonly pop: Float32Array;
  private readonly popOrder: Int32Array;

  private constructor(
    private readonly dataset: Dataset,
    private readonly knn: ItemKnnRecommender,
    options: BaselineCandidateOptions,
  ) {
    this.size = Math.min(options.size ?? 200, dataset.items.size);
    this.batch = options.batch ?? 64;
    const counts = itemCounts(dataset.interactions);
    let max = 1;
    for (const c of counts) max = Math.max(max, c);
    this.pop = Float32Array.from(counts, (c) => c / max);
    this.popOrder = topK(this.pop, dataset.items.size);
  }

  static async fit(
    dataset: Dataset,
    options: BaselineCandidateOptions = {},
  ): Promise<BaselineCandidateSource> {
    const knn = new ItemKnnRecommender(options.neighbors ?? 100);
    await knn.fit({ history: dataset.interactions, dataset, seed: 0 });
    return new BaselineCandidateSource(dataset, knn, options);
  }

  /** The popularity list (all items, best first) for the version's cold-start answers. */
  popularity(): { items: string[]; scores: Float32Array } {
    return {
      items: Array.from(this.popOrder, (i) => this.dataset.items.id(i)),
      scores: Float32Array.from(this.popOrder, (i) => this.pop[i]!),
    };
  }

  async candidates(userIds: readonly string[]): Promise<UserRecord[]> {
    const known = userIds.filter((id) => this.dataset.users.has(id));
    const m = this.dataset.items.size;
    const h = this.dataset.interactions;
    const out: UserRecord[] = [];
    for (let start = 0; start < known.length; start += this.batch) {
      const ids = known.slice(start, start + this.batch);
      const users = Int32Array.from(ids, (id) => this.dataset.users.index(id));
      const scores = new Float32Array(users.length * m);
      this.knn.scoreBatch(users, scores);
      users.forEach((u, b) => {
        const seen = new Set(h.items.subarray(h.indptr[u]!, h.indptr[u + 1]!));
        const row = scores.subarray(b * m, (b + 1) * m);
        const picked = Array.from(topK(row, this.size, (i) => seen.has(i) || row[i] === 0));
        const chosen = new Set(picked);
        for (let p = 0; p < this.popOrder.length && picked.length < this.size; p++) {
          const i = this.popOrder[p]!;
          if (!seen.has(i) && !chosen.has(i)) picked.push(i);
        }
        const features = new Float32Array(picked.length * 2);
        picked.forEach((i, r) => {
          features[2 * r] = row[i]!;
          features[2 * r + 1] = this.pop[i]!;
        });
        out.push({
          userId: ids[b]!,
          candidates: { items: picked.map((i) => this.dataset.items.id(i)), features },
        });
      });
    }
    return out;
  }
}
