import * as tf from "@tensorflow/tfjs-core";

type T = tf.Tensor;

const swapLast2 = (x: T): T => {
  const r = x.rank;
  const perm = Array.from({ length: r }, (_, i) => (i < r - 2 ? i : 2 * r - 3 - i));
  return tf.transpose(x, perm);
};

/**
 * tf.matMul with explicit transposes. The wasm backend's BatchMatMul runs transposed operands through a
 * slow path (measured 20× slower for 1600×64 · (3650×64)ᵀ than transposing first and multiplying plainly),
 * so every product of the sequential model and its gradients goes through here.
 */
export function matMul(a: T, b: T, transposeA = false, transposeB = false): T {
  return tf.matMul(transposeA ? swapLast2(a) : a, transposeB ? swapLast2(b) : b);
}
