import type { TandemConfig } from "@tandem/core";
import type { ModelFactory } from "@tandem/eval";
import { alsRecommender } from "./mf/als.js";
import { bprRecommender } from "./mf/bpr.js";
import { seqRecommender } from "./seq/seq-recommender.js";
import { RecallMergedRecommender } from "./sources/recall-merged-recommender.js";

/** The recall stage's models for `tandem eval`; seeds come in through FitInput.seed. */
export function recallModels(config: TandemConfig): Record<string, ModelFactory> {
  return {
    "mf-als": ({ tuned }) => alsRecommender(config.recall, tuned),
    "mf-bpr": ({ tuned }) => bprRecommender(config.recall, tuned),
    "recall-merged": ({ tuned }) => new RecallMergedRecommender(config.recall, tuned),
    seq: ({ tuned }) => seqRecommender(config.recall, tuned),
  };
}
