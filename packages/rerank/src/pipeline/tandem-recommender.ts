import { Progress } from "@tandem/core";
import { dayUnit, partitionUserItems, sampleTargetUsers, type UserItems, userItemsOf } from "@tandem/data";
import type { FitInput, FitReport, Recommender } from "@tandem/eval";
import type { RankingExample } from "../candidate-features.js";
import { FEATURE_INDEX, FEATURES, type FeatureName } from "../features.js";
import { type Fusion, FusionScorer, isTreeFusion } from "../fusion-scorer.js";
import { trainGbdt } from "../gbdt/gbdt-trainer.js";
import { trainListwise } from "../listwise-trainer.js";
import { buildCandidates } from "./candidate-builder.js";
import { cutExamples, holdOutTail } from "./fusion-examples.js";
import type { StageCache } from "./stage-cache.js";
import { fitStages, type StageContext, type StageModels } from "./stage-models.js";

/** Feature groups for the ablations: what each signal family contributes on its own. */
export const SEMANTIC_FEATURES: FeatureName[] = ["textProfile", "textLast", "textMf", "fromText"];
/** Every other column: collaborative, popularity, age and the non-text source flags. */
export const STATISTICAL_FEATURES: FeatureName[] = FEATURES.filter((f) => !SEMANTIC_FEATURES.includes(f));

/** Splits off each user's most recent item (users with at least two): the reranker's training targets. */
export function holdOutLast(history: UserItems): { inner: UserItems; targets: UserItems } {
  const { inner, tail } = holdOutTail(history, 1);
  return { inner, targets: tail };
}

/** Each user's first item of `tail` (the item right after their inner history): MF's early stopping. */
function firstOfTail(tail: UserItems): UserItems {
  const partOf = new Uint8Array(tail.items.length).fill(1);
  for (let u = 0; u < tail.numUsers; u++)
    if (tail.indptr[u + 1]! > tail.indptr[u]!) partOf[tail.indptr[u]!] = 0;
  return partitionUserItems(tail, partOf, 2)[0]!;
}

/**
 * The users whose held-out item trains the fusion, ascending: all who have one, or a seeded sample of
 * `max` of them (each example costs a candidate build; a linear fusion saturates long before millions).
 */
export function fusionUsers(targets: UserItems, max: number, seed: number): number[] {
  const sample = sampleTargetUsers(targets, max, seed);
  const users: number[] = [];
  for (let u = 0; u < sample.numUsers; u++) if (sample.indptr[u + 1]! > sample.indptr[u]!) users.push(u);
  return users;
}

export interface TandemOptions {
  name?: string;
  /** Feature columns forced to 0 in training and scoring (ablations). */
  disabled?: readonly FeatureName[];
  /**
   * MF epochs already chosen on validation (the protocol's `tuned.epochs`): the inner fit trains exactly
   * this many instead of searching again on its own held-out items. Absent: early stopping.
   */
  epochs?: number;
  /** Shares fixed-epoch stages and scored candidates between the fits of one run (see StageCache). */
  stages?: StageCache;
}

/**
 * The full pipeline as one model: recall (MF, next-item, co-occurrence, popularity, text) proposes
 * candidates, a listwise fusion of semantic and statistical features orders them.
 *
 * Training follows the protocol without leaking: the fusion learns from each user's last
 * `rerank.fusionCuts` history items, with both stages refit without them (a later cut sees the user
 * through their prefix, see cutExamples); then the stages are refit on the whole history. While tuning
 * the latest of those items is the last train item; at test time (history = train + validation) it is
 * the validation item, so the fusion is learnt on the validation split, as published rerankers are.
 * The fusion is linear or boosted trees (`rerank.fusion`).
 */
export class TandemRecommender implements Recommender {
  readonly name: string;
  private stage: StageModels | null = null;
  private scorer: FusionScorer | null = null;
  private readonly disabled: number[];
  private readonly disabledNames: readonly FeatureName[];
  private readonly epochs: number | undefined;
  private readonly cache: StageCache | undefined;
  fusion: Fusion | null = null;

  constructor(
    private readonly ctx: Omit<StageContext, "dataset" | "seed">,
    options: TandemOptions = {},
  ) {
    this.name = options.name ?? "tandem";
    this.disabledNames = options.disabled ?? [];
    this.disabled = this.disabledNames.map((f) => FEATURE_INDEX[f]);
    this.epochs = options.epochs;
    this.cache = options.stages;
  }

  get stages(): StageModels {
    if (!this.stage) throw new Error("fit() first");
    return this.stage;
  }

  async fit(input: FitInput): Promise<FitReport> {
    const started = performance.now();
    const ctx: StageContext = {
      ...this.ctx,
      dataset: input.dataset,
      seed: input.seed,
      progress: input.progress ?? false,
    };
    const { stage: innerStage, examples, owners } = await this.fusionTrainingSet(input.history, ctx);
    const recalled = examples.filter((e) => e.target >= 0).length;
    this.cache?.forget(innerStage);
    this.fusion =
      this.ctx.config.rerank.fusion === "gbdt"
        ? trainGbdt(examples, owners, this.ctx.config.rerank.gbdt, input.seed)
        : trainListwise(examples);
    this.scorer = new FusionScorer(this.fusion);
    const epochs = innerStage.mfEpochs;
    // The seq model's epochs were chosen on the inner held-out items too: the refit trains exactly those.
    const seqEpochs = innerStage.seq ? { seqEpochs: innerStage.seq.epochs } : {};
    this.stage = await this.fixedStage(
      input.history,
      ctx,
      epochs,
      () => fitStages(input.history, ctx, { epochs, ...seqEpochs }),
      seqEpochs,
    );
    const details = {
      ...(this.disabledNames.length > 0 && { zeroed: this.disabledNames.join(", ") }),
      ...(input.dataset.time === "order" && {
        "no timestamps": "recentPop and age constant 0; profile half-life in row positions",
      }),
    };
    return {
      tuned: {
        epochs: innerStage.mfEpochs,
        ...(innerStage.seq && { seqEpochs: innerStage.seq.epochs }),
        fusionExamples: this.fusion.examples,
        ...(isTreeFusion(this.fusion) && {
          gbdtDepth: this.fusion.chosen.depth,
          gbdtLearningRate: this.fusion.chosen.learningRate,
          gbdtTrees: this.fusion.chosen.trees,
        }),
      },
      curve: [
        ...innerStage.mfCurve.map((p) => ({ ...p, metric: `mf ${p.metric}` })),
        ...(innerStage.seq?.curve ?? []).map((p) => ({ ...p, metric: `seq ${p.metric}` })),
        {
          step: 0,
          metric: "candidate recall of the held-out item",
          value: recalled / Math.max(1, examples.length),
        },
      ],
      ...(Object.keys(details).length > 0 && { details }),
      seconds: (performance.now() - started) / 1000,
    };
  }

  /**
   * The fusion's training lists from `history` and the stage they were built on: the stages fitted
   * without each user's last `rerank.fusionCuts` items, one example per (user, cut) (see cutExamples).
   * With one cut this is the latest item of each user against stages fitted without it.
   */
  async fusionTrainingSet(
    history: UserItems,
    ctx: StageContext,
  ): Promise<{ stage: StageModels; examples: RankingExample[]; owners: Int32Array }> {
    const { fusionCuts, fusionUsers: maxUsers } = this.ctx.config.rerank;
    const { inner, tail } = holdOutTail(history, fusionCuts);
    const innerStage = await this.fixedStage(inner, ctx, this.epochs, () =>
      fitStages(inner, ctx, { validation: fusionCuts === 1 ? tail : firstOfTail(tail) }),
    );
    const users = fusionUsers(tail, maxUsers, ctx.seed);
    // A candidate build per example: minutes at size, so it shows progress like the fits do.
    const bar = new Progress(`${this.name} fusion examples`, users.length * fusionCuts, {
      enabled: ctx.progress ?? false,
    });
    const profileTime = {
      halfLifeDays: this.ctx.config.semantic.halfLifeDays,
      day: dayUnit(ctx.dataset.time),
    };
    const { examples, users: owners } = cutExamples(
      innerStage,
      inner,
      tail,
      users,
      profileTime,
      (stage, u, prefix) => {
        // Held-out users the previous phase scored on this very stage (its known users, whole history).
        const cached =
          prefix.length === inner.indptr[u + 1]! - inner.indptr[u]! ? this.cache?.take(stage, u) : undefined;
        const features = cached ?? buildCandidates(stage, u, prefix).features;
        this.mask(features.values);
        return features;
      },
      () => bar.tick(1),
    );
    return { stage: innerStage, examples, owners };
  }

  /**
   * A stage fitted for exactly `epochs` (shared through the cache when there is one), else `search`.
   * Without `seqEpochs` a fixed stage trains the seq model recall.seq.maxEpochs (see fitStages).
   */
  private fixedStage(
    history: UserItems,
    ctx: StageContext,
    epochs: number | undefined,
    search: () => Promise<StageModels>,
    seq: { seqEpochs?: number } = {},
  ): Promise<StageModels> {
    if (epochs === undefined) return search();
    const fit = () => fitStages(history, ctx, { epochs, ...seq });
    return this.cache ? this.cache.stage(history, epochs, fit) : fit();
  }

  private mask(values: Float32Array): void {
    if (this.disabled.length === 0) return;
    const dim = FEATURES.length;
    for (let r = 0; r < values.length / dim; r++) for (const f of this.disabled) values[r * dim + f] = 0;
  }

  /** The fused scores of one user's candidates (every other item is not recommended at all). */
  scoreCandidates(u: number): { items: Int32Array; scores: Float32Array } {
    const stage = this.stages;
    const { features } = buildCandidates(stage, u, userItemsOf(stage.history, u));
    this.mask(features.values);
    this.cache?.remember(stage, u, features);
    return { items: features.items, scores: this.scorer!.score(features) };
  }

  scoreBatch(users: Int32Array, out: Float32Array): void {
    const numItems = this.stages.history.numItems;
    out.fill(Number.NEGATIVE_INFINITY);
    users.forEach((u, b) => {
      const { items, scores } = this.scoreCandidates(u);
      items.forEach((item, r) => {
        out[b * numItems + item] = scores[r]!;
      });
    });
  }
}
