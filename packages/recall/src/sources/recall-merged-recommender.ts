import { InvalidArgumentError, type RecallConfig } from "@tandem/core";
import type { FitInput, FitReport, Recommender } from "@tandem/eval";
import { alsRecommender } from "../mf/als.js";
import { bprRecommender } from "../mf/bpr.js";
import type { MfRecommender } from "../mf/mf-recommender.js";
import { RecallPipeline } from "./recall-pipeline.js";

/**
 * `recall-merged`: the merged candidate set as a ranking, so `evaluate` measures Recall@100/200 of the
 * candidates. A candidate's score is its reverse merge position; items no source proposed score NaN,
 * which the harness's top-K skips, so nothing outside the candidate set is ever "recommended".
 */
export class RecallMergedRecommender implements Recommender {
  readonly name = "recall-merged";
  private pipeline: RecallPipeline | null = null;
  private readonly mf: MfRecommender;

  constructor(
    private readonly config: RecallConfig,
    tuned?: Record<string, number | string>,
  ) {
    this.mf =
      config.sources.mfModel === "bpr" ? bprRecommender(config, tuned) : alsRecommender(config, tuned);
  }

  get recall(): RecallPipeline {
    if (!this.pipeline)
      throw new InvalidArgumentError("recall-merged: call fit() before asking for candidates");
    return this.pipeline;
  }

  async fit(input: FitInput): Promise<FitReport> {
    const started = performance.now();
    const report = await this.mf.fit(input);
    this.pipeline = new RecallPipeline(
      input.history,
      this.mf.model,
      this.config.sources,
      [],
      this.config.valueWeighting,
    );
    return { ...report, seconds: (performance.now() - started) / 1000 };
  }

  scoreBatch(users: Int32Array, out: Float32Array): void {
    const numItems = out.length / users.length;
    out.fill(Number.NaN);
    users.forEach((u, b) => {
      const candidates = this.recall.forUser(u);
      candidates.forEach((c, rank) => {
        out[b * numItems + c.item] = candidates.length - rank;
      });
    });
  }
}
