import { InvalidArgumentError, Progress, type RecallConfig } from "@tandem/core";
import { type Dataset, sampleTargetUsers, type UserItems } from "@tandem/data";
import { evaluate, type FitInput, type FitReport, pickTuned, type Recommender } from "@tandem/eval";
import { initTf } from "@tandem/tf";
import { dataFingerprint } from "../mf/fingerprint.js";
import { SeqModel } from "./seq-model.js";
import { SeqTrainer } from "./seq-trainer.js";
import { lastItems } from "./seq-windows.js";

/**
 * The frozen item text vectors (row i = item index i) of a dataset: the semantic stage's embeddings,
 * injected by whoever owns the encoder (recall does not depend on it). Needed for recall.seq.text = add.
 */
export type SeqItemText = (dataset: Dataset) => Promise<{ vectors: Float32Array; dim: number }>;

/**
 * `seq`: the SASRec model in the harness. Fit trains on the history's windows, scores validation NDCG@10
 * after every epoch, keeps the best weights and stops after `patience` epochs without gain; the refit
 * trains exactly the best epoch count. Scoring feeds each user's latest `maxLen` items of the history
 * it was fitted on, so at test time the validation item is in the input: the natural fold-in.
 */
export class SeqRecommender implements Recommender {
  readonly name = "seq";
  private current: SeqModel | null = null;
  private history: UserItems | null = null;
  /** Seconds per training epoch in the last fit (for reports). */
  epochSeconds: number[] = [];

  constructor(
    private readonly config: RecallConfig,
    private readonly epochs?: number,
    private readonly itemText?: SeqItemText,
  ) {
    if (config.seq.dim % config.seq.heads !== 0)
      throw new InvalidArgumentError(
        `recall.seq.heads (${config.seq.heads}) must divide dim (${config.seq.dim})`,
      );
  }

  get model(): SeqModel {
    if (!this.current) throw new InvalidArgumentError("seq: call fit() before using the model");
    return this.current;
  }

  async fit(input: FitInput): Promise<FitReport> {
    const started = performance.now();
    await initTf({ log: input.progress ?? false });
    const c = this.config.seq;
    const history = input.history;
    this.history = history;
    const text = c.text === "add" ? await this.textOf(input.dataset, history.numItems) : undefined;
    const shape = {
      numItems: history.numItems,
      maxLen: c.maxLen,
      dim: c.dim,
      blocks: c.blocks,
      heads: c.heads,
      ...(text && { textDim: text.dim }),
    };
    const trainer = new SeqTrainer(shape, history, c, input.seed, text?.vectors);
    const info = (epochs: number, validation: Record<string, number>) => ({
      hyperparameters: { ...c },
      fingerprint: dataFingerprint(history),
      validation,
      epochs,
    });
    const validation =
      this.epochs === undefined && input.validation
        ? sampleTargetUsers(input.validation, this.config.validationUsers, input.seed)
        : undefined;
    const total = this.epochs ?? c.maxEpochs;
    const progress = new Progress("seq", total, { enabled: input.progress ?? false });
    const curve: NonNullable<FitReport["curve"]> = [];
    let best: SeqModel | null = null;
    let bestScore = Number.NEGATIVE_INFINITY;
    let bestEpoch = 0;
    this.epochSeconds = [];
    try {
      for (let epoch = 1; epoch <= total; epoch++) {
        const t0 = performance.now();
        const loss = trainer.epoch();
        this.epochSeconds.push((performance.now() - t0) / 1000);
        if (!validation) {
          progress.tick(1, `loss ${loss.toFixed(3)}`);
          continue;
        }
        this.current?.dispose();
        this.current = new SeqModel(shape, trainer.snapshot(), info(epoch, {}));
        const ndcg = evaluate(this, history, validation, { ks: [10] }).metrics["ndcg@10"] ?? 0;
        curve.push({ step: epoch, metric: "ndcg@10", value: ndcg });
        progress.tick(
          1,
          `loss ${loss.toFixed(3)} val ndcg@10 ${ndcg.toFixed(4)} (best ${Math.max(ndcg, bestScore).toFixed(4)})`,
        );
        if (ndcg > bestScore) {
          bestScore = ndcg;
          bestEpoch = epoch;
          best?.dispose();
          best = this.current;
          this.current = null;
        } else if (epoch - bestEpoch >= c.patience) {
          progress.tick(total - epoch, `stopped early: best epoch ${bestEpoch}`);
          break;
        }
      }
      if (!best) best = new SeqModel(shape, trainer.snapshot(), info(total, {}));
    } finally {
      trainer.dispose();
    }
    if (this.current !== best) this.current?.dispose();
    this.current = best;
    const epochs = validation ? bestEpoch : total;
    const perEpoch = this.epochSeconds.reduce((a, b) => a + b, 0) / Math.max(1, this.epochSeconds.length);
    return {
      tuned: { epochs },
      curve,
      details: { secondsPerEpoch: perEpoch.toFixed(2) },
      seconds: (performance.now() - started) / 1000,
    };
  }

  private async textOf(dataset: Dataset, numItems: number) {
    if (!this.itemText)
      throw new InvalidArgumentError("recall.seq.text = add needs item text vectors; none were provided");
    const text = await this.itemText(dataset);
    if (text.vectors.length !== numItems * text.dim)
      throw new InvalidArgumentError(
        `seq: ${text.vectors.length / text.dim} text vectors for ${numItems} items`,
      );
    return text;
  }

  scoreBatch(users: Int32Array, out: Float32Array): void {
    if (!this.history) throw new InvalidArgumentError("seq: call fit() before scoring");
    const model = this.model;
    model.scoreStates(model.states(lastItems(this.history, users, model.shape.maxLen)), out);
  }
}

/**
 * What `tandem eval --model seq` searches on validation NDCG@10 (eval.search.trials / .seconds); the
 * configured recall.seq values are the first trial. Blocks and heads stay fixed: the grid is kept small
 * because every trial is a full early-stopped training run.
 */
export const SEQ_SPACE = {
  dropout: [0.1, 0.2, 0.3, 0.5],
  lr: [0.001, 0.002, 0.005],
  dim: [32, 64, 128],
  maxLen: [50, 100],
  text: ["none", "add"],
} as const;

/**
 * `seq` factory: `tuned` may carry any SEQ_SPACE hyperparameter (what a search chose) in place of
 * recall.seq's, and `epochs` (from validation) fixes the refit's epoch count.
 */
export function seqRecommender(
  config: RecallConfig,
  tuned?: Record<string, number | string>,
  itemText?: SeqItemText,
): SeqRecommender {
  const own = pickTuned(tuned, SEQ_SPACE);
  const seq = { ...config.seq, ...own } as RecallConfig["seq"];
  const epochs = tuned?.["epochs"];
  return new SeqRecommender({ ...config, seq }, typeof epochs === "number" ? epochs : undefined, itemText);
}
