import { IdMap, InvalidArgumentError, Progress } from "@tandem/core";
import { sampleTargetUsers, type UserItems } from "@tandem/data";
import { evaluate, type FitInput, type FitReport, type Recommender } from "@tandem/eval";
import { initTf } from "@tandem/tf";
import { type Bm25Stats, bm25Stats, type ConfidenceParams } from "./confidence.js";
import { dataFingerprint } from "./fingerprint.js";
import { type MfAlgorithm, MfModel } from "./mf-model.js";

/** The trainable state of one algorithm: factor tables updated in place by `epoch()`. */
export interface MfTrainer {
  readonly userFactors: Float32Array;
  readonly itemFactors: Float32Array;
  readonly itemBias: Float32Array;
  epoch(): void | Promise<void>;
  /** Releases what the trainer holds beyond its tables (worker threads). */
  close?(): Promise<void>;
}

export interface MfRecommenderOptions {
  name: string;
  algorithm: MfAlgorithm;
  dim: number;
  maxEpochs: number;
  patience: number;
  /** Relative NDCG@10 gain over the best epoch that counts as one (recall.minGain). Default 0. */
  minGain?: number;
  /** Fixed epoch count (the refit after tuning): train exactly this many, no early stopping. */
  epochs?: number;
  /** Validation users scored per epoch (a seeded sample above this). */
  validationUsers: number;
  hyperparameters: Record<string, number | string>;
  foldIn: ConfidenceParams & { reg: number };
  makeTrainer(history: UserItems, seed: number, bm25: Bm25Stats): MfTrainer;
}

/**
 * Shared fit loop for the MF models: epoch, score validation NDCG@10 with the harness's own `evaluate`,
 * keep the best factors, stop after `patience` epochs without a gain of at least `minGain`, and report the best epoch count as
 * `tuned.epochs` so the refit on train + validation trains exactly that long.
 */
export class MfRecommender implements Recommender {
  readonly name: string;
  private current: MfModel | null = null;

  constructor(private readonly options: MfRecommenderOptions) {
    this.name = options.name;
  }

  /** The trained model (after fit). */
  get model(): MfModel {
    if (!this.current) throw new InvalidArgumentError(`${this.name}: call fit() before using the model`);
    return this.current;
  }

  async fit(input: FitInput): Promise<FitReport> {
    const started = performance.now();
    await initTf({ log: input.progress ?? false });
    const o = this.options;
    const history = input.history;
    const bm25 = bm25Stats(history);
    const trainer = o.makeTrainer(history, input.seed, bm25);
    const sameIds =
      input.dataset.users.size === history.numUsers && input.dataset.items.size === history.numItems;
    const users = sameIds ? input.dataset.users : indexIds("user", history.numUsers);
    const items = sameIds ? input.dataset.items : indexIds("item", history.numItems);
    const fingerprint = dataFingerprint(history);
    const snapshot = (epochs: number, validation: Record<string, number>, copy: boolean) =>
      new MfModel({
        algorithm: o.algorithm,
        dim: o.dim,
        users,
        items,
        userFactors: copy ? trainer.userFactors.slice() : trainer.userFactors,
        itemFactors: copy ? trainer.itemFactors.slice() : trainer.itemFactors,
        itemBias: copy ? trainer.itemBias.slice() : trainer.itemBias,
        foldIn: o.foldIn,
        bm25,
        hyperparameters: o.hyperparameters,
        fingerprint,
        validation,
        epochs,
      });

    const validation =
      o.epochs === undefined && input.validation
        ? sampleTargetUsers(input.validation, o.validationUsers, input.seed)
        : undefined;
    const total = o.epochs ?? o.maxEpochs;
    const progress = new Progress(`${this.name}`, total, { enabled: input.progress ?? false });
    const curve: NonNullable<FitReport["curve"]> = [];
    let best: MfModel | null = null;
    let bestScore = Number.NEGATIVE_INFINITY;
    let bestEpoch = 0;
    let stoppedAt = 0;
    try {
      for (let epoch = 1; epoch <= total; epoch++) {
        await trainer.epoch();
        if (!validation) {
          progress.tick(1);
          continue;
        }
        this.current?.dispose();
        this.current = snapshot(epoch, {}, false);
        const ndcg = evaluate(this, history, validation, { ks: [10] }).metrics["ndcg@10"] ?? 0;
        curve.push({ step: epoch, metric: "ndcg@10", value: ndcg });
        progress.tick(1, `val ndcg@10 ${ndcg.toFixed(4)} (best ${Math.max(ndcg, bestScore).toFixed(4)})`);
        if (ndcg > bestScore * (1 + (bestScore > 0 ? (o.minGain ?? 0) : 0))) {
          bestScore = ndcg;
          bestEpoch = epoch;
          best?.dispose();
          best = snapshot(epoch, { "ndcg@10": ndcg }, true);
        } else if (epoch - bestEpoch >= o.patience) {
          progress.stop(`stopped early at epoch ${epoch}: best epoch ${bestEpoch}`);
          stoppedAt = epoch;
          break;
        }
      }
    } finally {
      await trainer.close?.();
    }
    this.current?.dispose();
    this.current = best ?? snapshot(total, {}, true);
    const epochs = best ? bestEpoch : total;
    // Ran to the cap with validation still at its best in the last `patience` epochs: more epochs might
    // help, and a report must say the cap, not the data, chose the count.
    const capped = validation !== undefined && stoppedAt === 0 && best !== null;
    const details = capped
      ? {
          "epoch cap": `hit at ${total} (best epoch ${bestEpoch}, validation not yet stopped improving; raise recall.${o.algorithm}.maxEpochs)`,
        }
      : undefined;
    if (capped) progress.stop(`epoch cap ${total} reached: best epoch ${bestEpoch}, still within patience`);
    return {
      tuned: { epochs },
      curve,
      ...(details && { details }),
      seconds: (performance.now() - started) / 1000,
    };
  }

  scoreBatch(users: Int32Array, out: Float32Array): void {
    this.model.scoreUsers(users, out);
  }
}

function indexIds(kind: "user" | "item", n: number): IdMap {
  return new IdMap(
    kind,
    Array.from({ length: n }, (_, i) => String(i)),
  );
}
