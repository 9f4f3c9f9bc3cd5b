import { Progress, type TandemConfig } from "@tandem/core";
import { type Dataset, dayUnit, type UserItems } from "@tandem/data";
import type { FitReport } from "@tandem/eval";
import {
  alsRecommender,
  backendFor,
  bprRecommender,
  type MfModel,
  RecallPipeline,
  type SeqModel,
  type VectorIndex,
} from "@tandem/recall";
import {
  buildProfilesThreaded,
  datasetItemVectors,
  ItemTextTemplate,
  type TextEncoder,
  TextRecallSource,
} from "@tandem/semantic";
import { type ItemStatsTable, itemStatsOf } from "./item-stats.js";
import { fitSeqStage, type SeqStage, SeqStateSource } from "./seq-stage.js";
import { fitTextMf } from "./text-mf-stage.js";

export interface StageContext {
  config: TandemConfig;
  dataset: Dataset;
  seed: number;
  /** Resolved on first use; usually the configured encoder behind its embedding cache. */
  encoder: () => Promise<TextEncoder>;
  progress?: boolean;
}

/** Everything the two stages learnt from one history: what candidate features are computed from. */
export interface StageModels {
  history: UserItems;
  mf: MfModel;
  mfEpochs: number;
  /** Validation curve of the MF fit (empty when it trained a fixed number of epochs). */
  mfCurve: NonNullable<FitReport["curve"]>;
  recall: RecallPipeline;
  textDim: number;
  /** numItems × textDim unit item embeddings. */
  itemText: Float32Array;
  /** The item embeddings' vector index (text recall's; similar items at publish). */
  textIndex: VectorIndex;
  /** numUsers × textDim unit recency-weighted profiles. */
  profiles: Float32Array;
  stats: ItemStatsTable;
  /** numItems × mf.dim item text projected into MF space (rerank.textMf), else null. */
  textMf: Float32Array | null;
  /** The sequential model's states, embeddings and index (rerank.seq), else null. */
  seq: SeqStage | null;
}

/**
 * Text indexes by item embeddings and index settings: the index depends on nothing else, so the several
 * stage fits of one run (tuning, refit, final) share one (an HNSW build at 59k × 512 takes ~25 s).
 * Nothing adds to a built index; held weakly, so it goes with the embeddings.
 */
const textIndexes = new WeakMap<Float32Array, Map<string, VectorIndex>>();

/**
 * Fits the statistical and semantic stages on `history`: MF (early-stopped on `validation` when given,
 * else `epochs` sweeps), the merged recall sources including text recall, item embeddings (cached, so
 * a refit embeds nothing) and user profiles; with rerank.seq the sequential model (early-stopped on
 * `validation` too, else `seqEpochs`, else recall.seq.maxEpochs; `seq` reuses a trained one), with
 * rerank.textMf the text → MF map.
 */
export async function fitStages(
  history: UserItems,
  ctx: StageContext,
  options: { validation?: UserItems; epochs?: number; mf?: MfModel; seqEpochs?: number; seq?: SeqModel },
): Promise<StageModels> {
  const { config, dataset } = ctx;
  const { mf, epochs, curve } = options.mf
    ? { mf: options.mf, epochs: options.mf.parts.epochs, curve: [] }
    : await trainMf(history, ctx, options);
  const encoder = await ctx.encoder();
  const template = new ItemTextTemplate(config.semantic.textTemplate, config.semantic.maxChars);
  const itemText = await datasetItemVectors(dataset, encoder, template, ctx.progress ?? false);
  // The item-side parts below take minutes at 10⁵ items and had no progress of their own.
  const bar = new Progress("stage parts", config.rerank.textMf ? 5 : 4, {
    enabled: ctx.progress ?? false,
    intervalMs: 0,
  });
  const timed = async <T>(part: string, build: () => T | Promise<T>): Promise<T> => {
    const started = performance.now();
    const built = await build();
    bar.tick(1, `${part}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return built;
  };
  const threads = config.rerank.stageThreads;
  const profiles = await timed("user profiles", () =>
    buildProfilesThreaded(
      history,
      itemText,
      encoder.dim,
      config.semantic.halfLifeDays,
      dayUnit(dataset.time),
      threads,
    ),
  );
  const { textAnn, exactMaxItems, textQuantization } = config.recall.sources;
  const text = await timed(`text index (${textAnn}, ${history.numItems} items)`, () => {
    const keys = Int32Array.from({ length: history.numItems }, (_, i) => i);
    const indexKey = `${textAnn}:${textQuantization}:${exactMaxItems}:${history.numItems}`;
    const built = textIndexes.get(itemText)?.get(indexKey);
    if (built) return TextRecallSource.over(built, keys, itemText, { profiles });
    const source = TextRecallSource.build(encoder.dim, keys, itemText, {
      profiles,
      index: backendFor(textAnn, history.numItems, exactMaxItems).create(encoder.dim, {
        quantization: textQuantization,
      }),
    });
    textIndexes.set(itemText, (textIndexes.get(itemText) ?? new Map()).set(indexKey, source.index));
    return source;
  });
  const seq = config.rerank.seq
    ? await fitSeqStage(history, ctx, {
        ...(options.validation ? { validation: options.validation } : {}),
        ...(options.seqEpochs !== undefined ? { epochs: options.seqEpochs } : {}),
        ...(options.seq ? { trained: options.seq } : {}),
        itemText: { vectors: itemText, dim: encoder.dim },
      })
    : null;
  const extra = seq ? [text, new SeqStateSource(seq)] : [text];
  const recall = await timed("recall sources (item-item statistics, MF index)", async () => {
    const { sources, valueWeighting } = config.recall;
    await RecallPipeline.prebuildStatistics(history, sources, valueWeighting, threads);
    return new RecallPipeline(history, mf, config.recall.sources, extra, config.recall.valueWeighting);
  });
  const stats = await timed("item stats", () => itemStatsOf(history, 90, dataset.time));
  const textMf = config.rerank.textMf
    ? await timed("text → MF map", () => fitTextMf(history, mf, itemText, encoder.dim, ctx.seed))
    : null;
  return {
    history,
    mf,
    mfEpochs: epochs,
    mfCurve: curve,
    recall,
    textDim: encoder.dim,
    itemText,
    textIndex: text.index,
    profiles,
    stats,
    textMf,
    seq,
  };
}

/** MF on `history`: early-stopped on `validation` when given, else exactly `epochs` sweeps. */
async function trainMf(
  history: UserItems,
  ctx: StageContext,
  options: { validation?: UserItems; epochs?: number },
): Promise<{ mf: MfModel; epochs: number; curve: NonNullable<FitReport["curve"]> }> {
  const { config, dataset, seed } = ctx;
  const tuned = options.epochs !== undefined ? { epochs: options.epochs } : undefined;
  const mfRec =
    config.recall.sources.mfModel === "bpr"
      ? bprRecommender(config.recall, tuned)
      : alsRecommender(config.recall, tuned);
  const report = await mfRec.fit({
    history,
    dataset,
    seed,
    progress: ctx.progress ?? false,
    ...(options.validation ? { validation: options.validation } : {}),
  });
  return {
    mf: mfRec.model,
    epochs: Number(report.tuned?.["epochs"] ?? options.epochs ?? mfRec.model.parts.epochs),
    curve: report.curve ?? [],
  };
}
