import { evaluate } from "../evaluate.js";
import type { FitInput, FitReport, ModelFactory, Recommender } from "../recommender.js";
import { type Hyperparameters, pickTuned, type SearchSpace, trialOrder } from "./space.js";

export interface SearchBudget {
  /** Trials at most (1 = the defaults only). */
  trials: number;
  /** No trial starts after this many seconds (the first always runs). */
  seconds: number;
}

export interface SearchTrial {
  params: Hyperparameters;
  /** Validation NDCG@10 of the trial's fitted model (every validation user). */
  validation: number;
  /** What the trial's own fit chose inside it (the early-stopped epoch count). */
  tuned: Hyperparameters;
  seconds: number;
}

/** What a search tried and chose; recorded in the fit report (and so in `tandem eval --json`). */
export interface SearchReport {
  space: SearchSpace;
  budget: SearchBudget;
  seed: number;
  trials: SearchTrial[];
  /** The winning trial's hyperparameters and inner choices: what the refit uses. */
  chosen: Hyperparameters;
  /** What ended it: the grid ran out, the trial count, or the clock. */
  stoppedBy: "space" | "trials" | "seconds";
}

export interface SearchedModel {
  space: SearchSpace;
  /** The configured values: trial 1, and what a fit without validation uses. */
  defaults: Hyperparameters;
  budget: SearchBudget;
  /** A fresh model under `tuned` (the searched hyperparameters, and at refit the inner choices too). */
  build(tuned: Hyperparameters): Recommender;
  /** Milliseconds; injectable so tests can check the budget without timing anything. */
  now?: () => number;
}

/**
 * A model factory whose tuning fit searches `space` on validation: each trial is a fresh model fitted on
 * the tuning history (its own early stopping included) and scored by validation NDCG@10; the best trial
 * (first on ties) is the tuning model, and `tuned` carries its hyperparameters to the refit, which builds
 * exactly that model with no search. Only `FitInput.history` and `.validation` are ever seen.
 */
export function searchedFactory(model: SearchedModel): ModelFactory {
  return ({ seed, tuned }) => (tuned ? refitModel(model, tuned) : new SearchingRecommender(model, seed));
}

/** The refit: the chosen model, reporting the full set of values it used. */
function refitModel(model: SearchedModel, tuned: Hyperparameters): Recommender {
  const inner = model.build(tuned);
  return {
    name: inner.name,
    fit: async (input) => {
      const report = await inner.fit(input);
      return { ...report, tuned: { ...pickTuned(tuned, model.space), ...report.tuned } };
    },
    scoreBatch: (users, out) => inner.scoreBatch(users, out),
  };
}

class SearchingRecommender implements Recommender {
  readonly name: string;
  private best: Recommender;

  constructor(
    private readonly model: SearchedModel,
    private readonly seed: number,
  ) {
    this.best = model.build(model.defaults);
    this.name = this.best.name;
  }

  async fit(input: FitInput): Promise<FitReport> {
    const now = this.model.now ?? (() => performance.now());
    const started = now();
    const { space, budget } = this.model;
    if (!input.validation) {
      const report = await this.best.fit(input);
      return { ...report, tuned: { ...pickTuned(this.model.defaults, space), ...report.tuned } };
    }
    const order = trialOrder(space, this.model.defaults, budget.trials, this.seed);
    const trials: SearchTrial[] = [];
    let bestReport: FitReport | null = null;
    let bestScore = Number.NEGATIVE_INFINITY;
    let stoppedBy: SearchReport["stoppedBy"] = order.length < budget.trials ? "space" : "trials";
    for (const [t, params] of order.entries()) {
      if (t > 0 && (now() - started) / 1000 >= budget.seconds) {
        stoppedBy = "seconds";
        break;
      }
      const trialStarted = now();
      const candidate = t === 0 ? this.best : this.model.build(params);
      const report = await candidate.fit(input);
      const score = evaluate(candidate, input.history, input.validation, { ks: [10] }).metrics["ndcg@10"]!;
      const tuned = { ...params, ...report.tuned };
      trials.push({ params, validation: score, tuned, seconds: (now() - trialStarted) / 1000 });
      if (score > bestScore) [bestScore, bestReport, this.best] = [score, { ...report, tuned }, candidate];
    }
    const chosen = bestReport!.tuned!;
    const search: SearchReport = { space, budget, seed: this.seed, trials, chosen, stoppedBy };
    return { ...bestReport!, tuned: chosen, search, seconds: (now() - started) / 1000 };
  }

  scoreBatch(users: Int32Array, out: Float32Array): void {
    this.best.scoreBatch(users, out);
  }
}
