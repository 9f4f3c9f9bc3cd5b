import { InvalidArgumentError, type TandemConfig } from "@tandem/core";
import type { Dataset, UserItems } from "@tandem/data";
import type { FitReport } from "@tandem/eval";
import {
  backendFor,
  type CandidateSource,
  lastItems,
  type Proposals,
  type SeqModel,
  SeqRecommender,
  type VectorIndex,
} from "@tandem/recall";

/**
 * The sequential model's share of a stage (rerank.seq): what its recall source and the `seq` feature
 * read. Every history user's state is computed once at fit, so candidate builds (and worker threads,
 * which hold no model) only look it up; the model itself runs again only for a folded-in history.
 */
export interface SeqStage {
  /** The trained model; null in a stage rebuilt from parts (worker threads build known users only). */
  model: SeqModel | null;
  epochs: number;
  /** Validation curve of the fit (empty when it trained a fixed number of epochs). */
  curve: NonNullable<FitReport["curve"]>;
  dim: number;
  maxLen: number;
  /** numUsers × dim: each history user's sequence state over their latest maxLen items. */
  states: Float32Array;
  /** numItems × dim item embeddings (what states are matched against). */
  items: Float32Array;
  /** The item embeddings' inner-product index (the recall source's). */
  index: VectorIndex;
}

/** Users per forward pass when computing every state (bounds the attention tensors at size). */
const STATE_BATCH = 256;

/**
 * The seq model on `history`: early-stopped on `validation` when given, else `epochs` (or the maximum);
 * or `trained` as it is (a model restored from the nightly's artifacts).
 */
export async function fitSeqStage(
  history: UserItems,
  ctx: { config: TandemConfig; dataset: Dataset; seed: number; progress?: boolean },
  options: {
    validation?: UserItems;
    epochs?: number;
    trained?: SeqModel;
    /** The stage's item embeddings, for recall.seq.text = add. */
    itemText?: { vectors: Float32Array; dim: number };
  },
): Promise<SeqStage> {
  if (options.trained)
    return seqStageOf(options.trained, history, ctx.config, options.trained.info.epochs, []);
  const text = options.itemText;
  const rec = new SeqRecommender(
    ctx.config.recall,
    options.validation ? undefined : options.epochs,
    text && (async () => text),
  );
  const report = await rec.fit({
    history,
    dataset: ctx.dataset,
    seed: ctx.seed,
    progress: ctx.progress ?? false,
    ...(options.validation ? { validation: options.validation } : {}),
  });
  const epochs = Number(report.tuned?.["epochs"] ?? options.epochs ?? rec.model.info.epochs);
  return seqStageOf(rec.model, history, ctx.config, epochs, report.curve ?? []);
}

/** A trained model's stage on `history`: every user's state, the item embeddings and their index. */
function seqStageOf(
  model: SeqModel,
  history: UserItems,
  config: TandemConfig,
  epochs: number,
  curve: SeqStage["curve"],
): SeqStage {
  const { dim, maxLen, numItems } = model.shape;
  if (numItems !== history.numItems)
    throw new InvalidArgumentError(`seq model has ${numItems} items, the history ${history.numItems}`);
  const states = new Float32Array(history.numUsers * dim);
  for (let from = 0; from < history.numUsers; from += STATE_BATCH) {
    const users = Int32Array.from(
      { length: Math.min(STATE_BATCH, history.numUsers - from) },
      (_, i) => from + i,
    );
    states.set(model.states(lastItems(history, users, maxLen)), from * dim);
  }
  const items = model.itemEmbeddings;
  const { ann, exactMaxItems } = config.recall.sources;
  const index = backendFor(ann, numItems, exactMaxItems).create(dim);
  index.add(
    Int32Array.from({ length: numItems }, (_, i) => i),
    items,
  );
  return { model, epochs, curve, dim, maxLen, states, items, index };
}

/**
 * A user's sequence state: the stored one for a history user (whose `history` is the stage's), else
 * one forward pass over `history` (a fold-in: the nightly's update-user path, never a request).
 */
export function seqState(seq: SeqStage, user: number, history: Int32Array): Float32Array {
  const n = seq.states.length / seq.dim;
  if (user >= 0 && user < n) return seq.states.subarray(user * seq.dim, (user + 1) * seq.dim);
  if (!seq.model)
    throw new InvalidArgumentError("seq: a folded-in history needs the model (this stage holds states only)");
  return seq.model.states(
    lastItems({ indptr: Int32Array.of(0, history.length), items: history }, [0], seq.maxLen),
  );
}

/** Recall by the sequence state against the item embeddings' index (the stage's `seq` source). */
export class SeqStateSource implements CandidateSource {
  readonly name = "seq";

  constructor(private readonly seq: SeqStage) {}

  propose(user: number, history: Int32Array, k: number, exclude: ReadonlySet<number>): Proposals {
    if (k <= 0) return { items: new Int32Array(0), scores: new Float32Array(0) };
    const [hits] = this.seq.index.search(seqState(this.seq, user, history), k, {
      exclude: exclude as Set<number>,
    });
    return { items: hits!.keys, scores: hits!.scores };
  }
}
