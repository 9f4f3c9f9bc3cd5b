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
  /** The test metrics under the other choice for seen items (asked for with `bothSeenItems`). */
  testOtherSeen?: { seenItems: SeenItems; result: EvalResult };
  /** Seconds spent scoring (full ranking of every evaluated user), apart from the fits' own seconds. */
  scoring: { validation: number; test: number };
}

export type SeenItems = "mask" | "allow";

export interface ProtocolOptions {
  ks: readonly number[];
  seed: number;
  progress?: boolean;
  /**
   * Score at most this many held-out users (a seeded sample, the same users on validation and test);
   * every user still trains. Default: all. What a nightly gate at 10⁵–10⁷ users affords.
   */
  maxScoredUsers?: number;
  /** Items in the user's history: masked (default) or allowed to be recommended (repeat consumption). */
  seenItems?: SeenItems;
  /** Also score the test model under the other `seenItems` choice (no refit), reported as `testOtherSeen`. */
  bothSeenItems?: boolean;
  /** Called as each stage starts ("fit on train", "score validation", ...), so long runs are never silent. */
  onStage?: (stage: string) => void;
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
  const stage = options.onStage ?? (() => {});
  const seenItems = options.seenItems ?? "mask";
  const maskHistory = seenItems === "mask";
  const timed = <T>(run: () => T): [T, number] => {
    const started = performance.now();
    return [run(), (performance.now() - started) / 1000];
  };
  const tuning = factory({ seed });
  stage("fit on train");
  const fit = await tuning.fit({
    history: split.train,
    validation: split.validation,
    dataset,
    seed,
    progress,
  });
  stage("score validation");
  const [validation, validationSeconds] = timed(() =>
    evaluate(tuning, split.train, scored(split.validation), {
      ks,
      maskHistory,
      progress,
      label: `${tuning.name} validation`,
    }),
  );

  const history = concatUserItems(split.train, split.validation);
  const final = factory({ seed, ...(fit.tuned ? { tuned: fit.tuned } : {}) });
  stage("refit on train + validation");
  const refit = await final.fit({ history, dataset, seed, progress });
  stage("score test");
  const [test, testSeconds] = timed(() =>
    evaluate(final, history, scored(split.test), { ks, maskHistory, progress, label: `${final.name} test` }),
  );
  const other: SeenItems = maskHistory ? "allow" : "mask";
  const testOtherSeen = options.bothSeenItems
    ? {
        seenItems: other,
        result: evaluate(final, history, scored(split.test), { ks, maskHistory: !maskHistory }),
      }
    : undefined;
  return {
    model: tuning.name,
    protocol: split.protocol,
    validation,
    test,
    fit,
    refit,
    scoring: { validation: validationSeconds, test: testSeconds },
    ...(testOtherSeen && { testOtherSeen }),
  };
}
