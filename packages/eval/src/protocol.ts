import { concatUserItems, type Dataset, type Split, sampleTargetUsers } from "@tandem/data";
import { type EvalResult, evaluate } from "./evaluate.js";
import type { FitReport, ModelFactory } from "./recommender.js";

export interface ProtocolResult {
  model: string;
  protocol: string;
  /** Fit on train, scored on validation with train masked: where hyperparameters are chosen. */
  validation: EvalResult;
  /** Refit on train + validation with the tuned hyperparameters, scored on test with both masked. */
  test: EvalResult;
  fit: FitReport;
  refit: FitReport;
}

export interface ProtocolOptions {
  ks: readonly number[];
  seed: number;
  progress?: boolean;
  /**
   * Score at most this many held-out users (a seeded sample, the same users on validation and test);
   * every user still trains. Default: all. What a nightly gate at 10⁵–10⁷ users affords.
   */
  maxScoredUsers?: number;
}

/**
 * The published two-phase protocol (as RecBole and LlamaRec run it): tune on validation, then let the
 * model see the user's whole history, validation item included, before it is scored on test.
 */
export async function runProtocol(
  factory: ModelFactory,
  dataset: Dataset,
  split: Split,
  options: ProtocolOptions,
): Promise<ProtocolResult> {
  const { ks, seed, progress = false } = options;
  const scored = (targets: typeof split.test) =>
    options.maxScoredUsers ? sampleTargetUsers(targets, options.maxScoredUsers, seed) : targets;
  const tuning = factory({ seed });
  const fit = await tuning.fit({
    history: split.train,
    validation: split.validation,
    dataset,
    seed,
    progress,
  });
  const validation = evaluate(tuning, split.train, scored(split.validation), { ks });

  const history = concatUserItems(split.train, split.validation);
  const final = factory({ seed, ...(fit.tuned ? { tuned: fit.tuned } : {}) });
  const refit = await final.fit({ history, dataset, seed, progress });
  const test = evaluate(final, history, scored(split.test), { ks });
  return { model: tuning.name, protocol: split.protocol, validation, test, fit, refit };
}
