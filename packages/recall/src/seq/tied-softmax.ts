import { matMul, tf } from "@tandem/tf";

type T = ReturnType<typeof tf.tensor>;
type Scalar = ReturnType<typeof tf.scalar>;

/**
 * Full softmax cross-entropy of the logits h · itemᵀ against sparse targets (one item per row; rows
 * with weight 0 have none), averaged over the weighted rows, with its gradient written by hand: the
 * rows × items logits are built once, their softmax is the only other rows × items tensor, and the
 * gradient (softmax − one-hot) · weight goes straight into two plain matrix products. A dense one-hot
 * label matrix through tf.losses' autodiff cost ~6× more per step.
 */
export function tiedSoftmaxLoss(h: T, item: T, targets: Int32Array, weights: Float32Array): Scalar {
  const rows = targets.length;
  const numItems = item.shape[0]!;
  const flat = new Int32Array(rows);
  const pairs = new Int32Array(2 * rows);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    flat[r] = r * numItems + Math.max(targets[r]!, 0);
    pairs[2 * r] = r;
    pairs[2 * r + 1] = Math.max(targets[r]!, 0);
    total += weights[r]!;
  }
  // Tensors are made where they are used: the tape disposes what the forward pass does not save.
  const w = () => tf.tensor2d(weights, [rows, 1]);
  const scale = 1 / Math.max(total, 1);
  const f = tf.customGrad((hIn, itemIn, save) => {
    const hh = hIn as T;
    const ii = itemIn as T;
    const p = tf.softmax(matMul(hh, ii, false, true));
    // −log p(target); the floor keeps an (all but impossible) underflow finite.
    const pt = tf.gather(tf.reshape(p, [-1]), tf.tensor1d(flat, "int32"));
    const value = tf.mul(tf.sum(tf.mul(tf.log(tf.maximum(pt, 1e-30)), tf.reshape(w(), [rows]))), -scale);
    (save as (ts: T[]) => void)([hh, ii, p]);
    return {
      value: value as Scalar,
      gradFunc: (dy: T, saved: T[]) => {
        const [hs, is, ps] = saved as [T, T, T];
        // (softmax − one-hot) · weight, the one-hot part scattered: wasm's OneHot only makes int32,
        // and casting a rows × items matrix costs as much as the softmax.
        const ws = tf.mul(w(), tf.mul(dy, scale));
        const hot = tf.scatterND(tf.tensor2d(pairs, [rows, 2], "int32"), tf.reshape(ws, [rows]), [
          rows,
          numItems,
        ]);
        const g = tf.sub(tf.mul(ps, ws), hot);
        // d item = gᵀ h with g transposed first: XNNPACK repacks its right operand on every call, and
        // packing the rows × items g costs more than transposing it.
        return [matMul(g, is), matMul(g, hs, true, false)];
      },
    };
  });
  return f(h, item) as Scalar;
}
