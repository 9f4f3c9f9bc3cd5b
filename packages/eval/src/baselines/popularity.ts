import { type ValueWeighting, weightedItemCounts } from "@tandem/data";
import type { FitInput, FitReport, Recommender } from "../recommender.js";

/** Most-interacted items first (or the largest sums of value weights), the same list for everyone. */
export class PopularityRecommender implements Recommender {
  readonly name = "pop";
  private counts = new Float32Array(0);

  constructor(private readonly weighting: ValueWeighting = "none") {}

  async fit(input: FitInput): Promise<FitReport> {
    const started = performance.now();
    this.counts = Float32Array.from(weightedItemCounts(input.history, this.weighting));
    return { seconds: (performance.now() - started) / 1000 };
  }

  scoreBatch(users: Int32Array, out: Float32Array): void {
    for (let b = 0; b < users.length; b++) out.set(this.counts, b * this.counts.length);
  }
}
