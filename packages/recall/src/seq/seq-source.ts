import type { CandidateSource, Proposals } from "../sources/candidate.js";
import type { VectorBackend } from "../vector/backends.js";
import type { VectorIndex } from "../vector/vector-index.js";
import type { SeqModel } from "./seq-model.js";
import { lastItems } from "./seq-windows.js";

/**
 * Sequence-aware recall: the user's sequence state (the model's last hidden vector over their latest
 * items) searched against the item embeddings through a VectorIndex: one forward pass and one
 * maximum-inner-product search per user, never a scan of the catalogue in JS.
 */
export class SeqSource implements CandidateSource {
  readonly name = "seq";
  readonly index: VectorIndex;

  constructor(
    private readonly model: SeqModel,
    backend: VectorBackend,
  ) {
    const { numItems, dim } = model.shape;
    this.index = backend.create(dim);
    this.index.add(
      Int32Array.from({ length: numItems }, (_, i) => i),
      model.itemEmbeddings,
    );
  }

  /** The state depends only on the history, so a user the model has not seen needs nothing else. */
  propose(_user: number, history: Int32Array, k: number, exclude: ReadonlySet<number>): Proposals {
    const state = this.model.states(
      lastItems({ indptr: Int32Array.of(0, history.length), items: history }, [0], this.model.shape.maxLen),
    );
    const [hits] = this.index.search(state, k, { exclude: exclude as Set<number> });
    return { items: hits!.keys, scores: hits!.scores };
  }
}
