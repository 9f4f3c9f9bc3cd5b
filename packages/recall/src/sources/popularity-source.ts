import { type UserItems, type ValueWeighting, weightedItemCounts } from "@tandem/data";
import type { CandidateSource, Proposals } from "./candidate.js";

/** Most-interacted items: the fallback that always has candidates, also for brand-new users. */
export class PopularitySource implements CandidateSource {
  readonly name = "pop";
  private readonly order: Int32Array;
  private readonly counts: Float64Array;

  /** `weighting`: popularity as the sum of value weights ("none": the interaction count). */
  constructor(history: UserItems, weighting: ValueWeighting = "none") {
    this.counts = weightedItemCounts(history, weighting);
    this.order = Int32Array.from(this.counts.keys()).sort(
      (a, b) => this.counts[b]! - this.counts[a]! || a - b,
    );
  }

  propose(_user: number, _history: Int32Array, k: number, exclude: ReadonlySet<number>): Proposals {
    const items: number[] = [];
    const scores: number[] = [];
    for (const i of this.order) {
      if (items.length >= k) break;
      if (exclude.has(i)) continue;
      items.push(i);
      scores.push(this.counts[i]!);
    }
    return { items: Int32Array.from(items), scores: Float32Array.from(scores) };
  }
}
