import { matMul, tf } from "@tandem/tf";
import { type ForwardOptions, sasrecForward } from "./sasrec-forward.js";
import type { SeqShape } from "./seq-weights.js";
import { tiedSoftmaxLoss } from "./tied-softmax.js";

type T = ReturnType<typeof tf.tensor>;
type Scalar = ReturnType<typeof tf.scalar>;

/** Frozen item text for recall.seq.text = add: every item's vector, and the one at each input position. */
export interface SeqTextInputs {
  /** numItems × textDim. */
  table: T;
  /** (B·L) × textDim, zero rows on padding. */
  rows: T;
}

/**
 * The training loss of one batch: full softmax cross-entropy of every position's next item. x0 holds the
 * gathered ID embeddings [B, L, d]; with `text`, an item's vector, at the input and in the tied output
 * table alike, is its ID embedding plus its text · textProj, so the projection learns from both sides.
 */
export function seqLoss(
  s: SeqShape,
  w: Record<string, T>,
  x0: T,
  mask: T,
  targets: Int32Array,
  targetWeights: Float32Array,
  o: ForwardOptions,
  text?: SeqTextInputs,
): Scalar {
  const [B, L] = x0.shape as [number, number, number];
  let x = x0;
  let item = w["item"]!;
  if (text) {
    const p = w["textProj"]!;
    x = tf.add(x0, tf.reshape(matMul(text.rows, p), [B, L, s.dim]));
    item = tf.add(item, matMul(text.table, p));
  }
  const hidden = sasrecForward(s, w, x, mask, o);
  return tiedSoftmaxLoss(tf.reshape(hidden, [B * L, s.dim]), item, targets, targetWeights);
}

/** Each position's text row (zeros on padding, −1): the `rows` of SeqTextInputs. */
export function textRows(itemText: Float32Array, textDim: number, inputs: Int32Array): Float32Array {
  const out = new Float32Array(inputs.length * textDim);
  for (let p = 0; p < inputs.length; p++) {
    const item = inputs[p]!;
    if (item >= 0) out.set(itemText.subarray(item * textDim, (item + 1) * textDim), p * textDim);
  }
  return out;
}
