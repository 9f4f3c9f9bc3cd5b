import { InvalidArgumentError } from "@tandem/core";
import { matMul, tf } from "@tandem/tf";
import { sasrecForward } from "./sasrec-forward.js";
import type { SeqShape, SeqWeights } from "./seq-weights.js";

type T = ReturnType<typeof tf.tensor>;

/** What a trained sequential model records besides its weights. */
export interface SeqModelInfo {
  hyperparameters: Record<string, number | string>;
  fingerprint: string;
  validation: Record<string, number>;
  epochs: number;
}

/** Padded item ids → clamped gather indexes and the [B, L, 1] real-item mask. */
export function inputTensors(seqs: Int32Array, b: number, l: number): { idx: T; mask: T } {
  const idx = new Int32Array(seqs.length);
  const mask = new Float32Array(seqs.length);
  for (let i = 0; i < seqs.length; i++) {
    const v = seqs[i]!;
    idx[i] = Math.max(v, 0);
    mask[i] = v < 0 ? 0 : 1;
  }
  return { idx: tf.tensor1d(idx, "int32"), mask: tf.tensor3d(mask, [b, l, 1]) };
}

/**
 * A trained SASRec model at inference: a user's sequence state is the last position's hidden vector,
 * and an item's score is its dot product with the (tied) item embedding, so retrieval is a
 * maximum-inner-product search over `itemEmbeddings`.
 */
export class SeqModel {
  private tensors: Record<string, T> | null = null;

  constructor(
    readonly shape: SeqShape,
    readonly weights: SeqWeights,
    readonly info: SeqModelInfo,
  ) {}

  /** numItems × dim, row-major: the vectors the sequence states are matched against. */
  get itemEmbeddings(): Float32Array {
    return this.weights.get("item")!.values;
  }

  /**
   * Sequence-space vectors of items from their text alone (n × textDim in, n × dim out): text · textProj,
   * what a cold item with no ID embedding is matched and scored by (recall.seq.text = add).
   */
  textVectors(text: Float32Array): Float32Array {
    const textDim = this.shape.textDim ?? 0;
    if (textDim === 0)
      throw new InvalidArgumentError("seq: this model has no text projection (recall.seq.text = none)");
    if (text.length % textDim !== 0)
      throw new InvalidArgumentError(`seq: text vectors must be rows of ${textDim} floats`);
    const n = text.length / textDim;
    return tf.tidy(
      () => matMul(tf.tensor2d(text, [n, textDim]), this.live()["textProj"]!).dataSync() as Float32Array,
    );
  }

  private live(): Record<string, T> {
    if (!this.tensors) {
      this.tensors = {};
      for (const [name, { shape, values }] of this.weights)
        this.tensors[name] = tf.keep(tf.tensor(values, shape));
    }
    return this.tensors;
  }

  /** Sequence states [n × dim] for n left-padded sequences of length maxLen (−1 = padding). */
  states(seqs: Int32Array): Float32Array {
    const L = this.shape.maxLen;
    const n = seqs.length / L;
    if (n === 0) return new Float32Array(0);
    return tf.tidy(() => {
      const w = this.live();
      const { idx, mask } = inputTensors(seqs, n, L);
      const x0 = tf.mul(tf.reshape(tf.gather(w["item"]!, idx), [n, L, this.shape.dim]), mask);
      const hidden = sasrecForward(this.shape, w, x0, mask, { dropout: 0, seed: 0 });
      return tf.slice(hidden, [0, L - 1, 0], [n, 1, this.shape.dim]).dataSync() as Float32Array;
    });
  }

  /** Scores of every item for each state: out[b * numItems + item]. */
  scoreStates(states: Float32Array, out: Float32Array): void {
    const d = this.shape.dim;
    const n = states.length / d;
    const scores = tf.tidy(() =>
      matMul(tf.tensor2d(states, [n, d]), this.live()["item"]!, false, true).dataSync(),
    );
    out.set(scores.subarray(0, n * this.shape.numItems));
  }

  dispose(): void {
    if (this.tensors) for (const t of Object.values(this.tensors)) t.dispose();
    this.tensors = null;
  }
}
