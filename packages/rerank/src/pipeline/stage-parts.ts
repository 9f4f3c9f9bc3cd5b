import { join } from "node:path";
import { IdMap, InvalidArgumentError, type RecallConfig, shared } from "@tandem/core";
import type { UserItems, ValueWeighting } from "@tandem/data";
import type { NeighborLists } from "@tandem/eval";
import {
  MfModel,
  type MfModelParts,
  RecallPipeline,
  savedIndexBackend,
  type VectorBackendName,
  type VectorIndex,
} from "@tandem/recall";
import { TextRecallSource } from "@tandem/semantic";
import type { ItemStatsTable } from "./item-stats.js";
import { type SeqStage, SeqStateSource } from "./seq-stage.js";
import type { StageModels } from "./stage-models.js";

/** A vector index saved to a file, with the backend that loads it. */
export interface SavedIndex {
  backend: VectorBackendName;
  path: string;
}

/**
 * Everything a StageModels is made of, as structured-clonable data for another thread: typed arrays on
 * SharedArrayBuffers (every worker reads the one copy), the vector indexes saved to files (loaded, not
 * rebuilt: an HNSW graph built again on several threads would answer differently).
 */
export interface StageParts {
  history: UserItems;
  mf: Omit<MfModelParts, "users" | "items"> & { userIds: readonly string[]; itemIds: readonly string[] };
  mfEpochs: number;
  mfCurve: StageModels["mfCurve"];
  textDim: number;
  itemText: Float32Array;
  profiles: Float32Array;
  stats: ItemStatsTable;
  next: NeighborLists;
  cooc: NeighborLists;
  mfIndex: SavedIndex;
  textIndex: SavedIndex;
  /** The recall pipeline's settings (its sources' config and value weighting). */
  recall: { sources: RecallConfig["sources"]; weighting: ValueWeighting };
  textMf: Float32Array | null;
  /** The seq stage without its model (states cover every user a worker builds) and its saved index. */
  seq: (Omit<SeqStage, "model" | "index"> & { index: SavedIndex }) | null;
}

/** The source order fitStages builds (seq last, when on); the parts rebuild exactly that pipeline. */
const fitSources = (seq: boolean) => `next,mf,cooc,pop,text${seq ? ",seq" : ""}`;

const lists = (l: NeighborLists): NeighborLists => ({
  numItems: l.numItems,
  ptr: shared(l.ptr),
  idx: shared(l.idx),
  weight: shared(l.weight),
});

function saved(index: VectorIndex, path: string): SavedIndex {
  const backend = index.backend as VectorBackendName;
  savedIndexBackend(backend); // refuses a backend that cannot be reloaded before writing anything
  index.save(path);
  return { backend, path };
}

/** `stage` as parts for worker threads (see StageParts), its indexes saved under `dir`. */
export function stageParts(stage: StageModels, dir: string): StageParts {
  const names = stage.recall.sources.map((s) => s.name).join();
  const want = fitSources(stage.seq !== null);
  if (names !== want)
    throw new InvalidArgumentError(
      `stage parts need fitStages' recall sources (${want}), this stage has ${names}`,
    );
  const seq = stage.seq;
  const h = stage.history;
  const { users, items, ...mf } = stage.mf.parts;
  const built = stage.recall.parts();
  return {
    history: {
      numUsers: h.numUsers,
      numItems: h.numItems,
      indptr: shared(h.indptr),
      items: shared(h.items),
      times: shared(h.times),
      values: shared(h.values),
    },
    mf: {
      ...mf,
      userFactors: shared(mf.userFactors),
      itemFactors: shared(mf.itemFactors),
      itemBias: shared(mf.itemBias),
      userIds: users.ids(),
      itemIds: items.ids(),
    },
    mfEpochs: stage.mfEpochs,
    mfCurve: stage.mfCurve,
    textDim: stage.textDim,
    itemText: shared(stage.itemText),
    profiles: shared(stage.profiles),
    stats: {
      logPop: shared(stage.stats.logPop),
      recentPop: shared(stage.stats.recentPop),
      age: shared(stage.stats.age),
    },
    next: lists(built.next),
    cooc: lists(built.cooc),
    mfIndex: saved(built.mfIndex, join(dir, "mf.index")),
    textIndex: saved(stage.textIndex, join(dir, "text.index")),
    recall: { sources: stage.recall.config, weighting: stage.recall.weighting },
    textMf: stage.textMf ? shared(stage.textMf) : null,
    seq: seq && {
      epochs: seq.epochs,
      curve: seq.curve,
      dim: seq.dim,
      maxLen: seq.maxLen,
      states: shared(seq.states),
      items: shared(seq.items),
      index: saved(seq.index, join(dir, "seq.index")),
    },
  };
}

/** The StageModels `stageParts` took apart: the same candidates, features and vectors for every user. */
export function stageFromParts(p: StageParts): StageModels {
  const mf = new MfModel({
    ...p.mf,
    users: new IdMap("user", p.mf.userIds),
    items: new IdMap("item", p.mf.itemIds),
  });
  const textIndex = savedIndexBackend(p.textIndex.backend).load(p.textIndex.path);
  const keys = Int32Array.from({ length: p.history.numItems }, (_, i) => i);
  const text = TextRecallSource.over(textIndex, keys, p.itemText, { profiles: p.profiles });
  const mfIndex = savedIndexBackend(p.mfIndex.backend).load(p.mfIndex.path);
  const seq: SeqStage | null = p.seq && {
    ...p.seq,
    model: null,
    index: savedIndexBackend(p.seq.index.backend).load(p.seq.index.path),
  };
  const extra = seq ? [text, new SeqStateSource(seq)] : [text];
  return {
    history: p.history,
    mf,
    mfEpochs: p.mfEpochs,
    mfCurve: p.mfCurve,
    recall: new RecallPipeline(p.history, mf, p.recall.sources, extra, p.recall.weighting, {
      next: p.next,
      cooc: p.cooc,
      mfIndex,
    }),
    textDim: p.textDim,
    itemText: p.itemText,
    textIndex,
    profiles: p.profiles,
    stats: p.stats,
    textMf: p.textMf,
    seq,
  };
}
