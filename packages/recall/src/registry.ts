import type { TandemConfig } from "@tandem/core";
import { type Hyperparameters, type ModelFactory, type SearchSpace, searchedFactory } from "@tandem/eval";
import { ALS_SPACE, alsRecommender } from "./mf/als.js";
import { BPR_SPACE, bprRecommender } from "./mf/bpr.js";
import { SEQ_SPACE, type SeqItemText, seqRecommender } from "./seq/seq-recommender.js";
import { RecallMergedRecommender } from "./sources/recall-merged-recommender.js";

/** The configured values of a space's hyperparameters: the search's first trial. */
const defaultsOf = (space: SearchSpace, config: Record<string, unknown>): Hyperparameters =>
  Object.fromEntries(Object.keys(space).map((k) => [k, config[k] as number | string]));

/**
 * The recall stage's models for `tandem eval`; seeds come in through FitInput.seed. `itemText` gives
 * the seq model its frozen text vectors (recall.seq.text = add). `seq-search` is `seq` with SEQ_SPACE
 * searched on validation within eval.search.
 */
export function recallModels(config: TandemConfig, itemText?: SeqItemText): Record<string, ModelFactory> {
  const budget = config.eval.search;
  return {
    "mf-als": searchedFactory({
      space: ALS_SPACE,
      defaults: defaultsOf(ALS_SPACE, config.recall.als),
      budget,
      build: (tuned) => alsRecommender(config.recall, tuned),
    }),
    "mf-bpr": searchedFactory({
      space: BPR_SPACE,
      defaults: defaultsOf(BPR_SPACE, config.recall.bpr),
      budget,
      build: (tuned) => bprRecommender(config.recall, tuned),
    }),
    "recall-merged": ({ tuned }) => new RecallMergedRecommender(config.recall, tuned),
    seq: ({ tuned }) => seqRecommender(config.recall, tuned, itemText),
    // Its own name, so plain `seq` (and regenerate.sh) does not pay for a search of full training runs.
    "seq-search": searchedFactory({
      space: SEQ_SPACE,
      defaults: defaultsOf(SEQ_SPACE, config.recall.seq),
      budget,
      build: (tuned) => seqRecommender(config.recall, tuned, itemText),
    }),
  };
}
