import { Rng } from "@tandem/core";
import { describe, expect, it } from "vitest";
import { initTf, tf } from "../src/index.js";

type T = ReturnType<typeof tf.tensor>;

/** A function through every kernel whose gradient runtime.ts registers (as the sequential model uses them). */
function f(x: T, w: T): T {
  const s = tf.slice(x, [0, 1, 0], [2, 3, 4]); // [2, 3, 4]
  const t = tf.reshape(tf.transpose(s, [1, 0, 2]), [6, 4]);
  const centred = tf.sub(t, tf.mean(t, -1, true));
  const norm = tf.mul(centred, tf.rsqrt(tf.add(tf.mean(tf.square(centred), -1, true), 1e-3)));
  const h = tf.relu(tf.matMul(norm, w as ReturnType<typeof tf.tensor2d>, false, true)); // [6, 5]
  const att = tf.softmax(tf.matMul(tf.reshape(h, [2, 3, 5]), tf.reshape(h, [2, 3, 5]), false, true));
  const out = tf.div(tf.sum(tf.mul(att, tf.neg(tf.reshape(tf.slice(h, [0, 0], [6, 3]), [2, 3, 3])))), 7);
  return tf.cast(out, "float32");
}

describe("registered gradients", () => {
  it("match central finite differences", async () => {
    await initTf({ log: false });
    const rng = new Rng(2);
    const xs = Float32Array.from({ length: 2 * 4 * 4 }, () => rng.normal());
    const ws = Float32Array.from({ length: 5 * 4 }, () => rng.normal());
    const [gx, gw] = tf.grads((x: T, w: T) => f(x, w) as ReturnType<typeof tf.scalar>)([
      tf.tensor3d(xs, [2, 4, 4]),
      tf.tensor2d(ws, [5, 4]),
    ]);
    const value = (x: Float32Array, w: Float32Array) =>
      tf.tidy(() => f(tf.tensor3d(x, [2, 4, 4]), tf.tensor2d(w, [5, 4])).dataSync()[0]!);
    const eps = 1e-2;
    const check = (arr: Float32Array, grad: Float32Array, isX: boolean) => {
      let nonZero = 0;
      for (let i = 0; i < arr.length; i++) {
        const plus = arr.slice();
        const minus = arr.slice();
        plus[i]! += eps;
        minus[i]! -= eps;
        const numeric = isX
          ? (value(plus, ws) - value(minus, ws)) / (2 * eps)
          : (value(xs, plus) - value(xs, minus)) / (2 * eps);
        expect(grad[i]!).toBeCloseTo(numeric, 2);
        if (Math.abs(grad[i]!) > 1e-3) nonZero++;
      }
      return nonZero;
    };
    // Sliced-away rows of x get exactly zero gradient; the rest must be non-trivial.
    expect(check(xs, gx!.dataSync() as Float32Array, true)).toBeGreaterThan(5);
    expect(check(ws, gw!.dataSync() as Float32Array, false)).toBeGreaterThan(10);
  });
});
