import { initTf, tf } from "@tandem/tf";
import { beforeAll, describe, expect, it } from "vitest";
import { tiedSoftmaxLoss } from "../src/seq/tied-softmax.js";

type T = ReturnType<typeof tf.tensor>;

beforeAll(async () => {
  await initTf({ log: false });
});

describe("tiedSoftmaxLoss", () => {
  it("matches softmax cross-entropy over dense one-hot labels in value and in both gradients", () => {
    const rows = 7;
    const items = 11;
    const dim = 5;
    const h = tf.randomNormal([rows, dim], 0, 1, "float32", 1);
    const item = tf.randomNormal([items, dim], 0, 1, "float32", 2);
    const targets = Int32Array.of(3, -1, 0, 10, 10, -1, 6);
    const weights = Float32Array.from(targets, (t) => (t < 0 ? 0 : 1));
    const ours = tf.valueAndGrads((a: T, b: T) => tiedSoftmaxLoss(a, b, targets, weights))([h, item]);
    const labels = tf.oneHot(
      tf.tensor1d(
        Int32Array.from(targets, (t) => Math.max(t, 0)),
        "int32",
      ),
      items,
    );
    const dense = tf.valueAndGrads((a: T, b: T) =>
      tf.losses.softmaxCrossEntropy(labels, tf.matMul(a, b, false, true), tf.tensor1d(weights)),
    )([h, item]);
    expect(ours.value.dataSync()[0]).toBeCloseTo(dense.value.dataSync()[0]!, 5);
    for (const i of [0, 1]) {
      const a = ours.grads[i]!.dataSync();
      const b = dense.grads[i]!.dataSync();
      expect(a.length).toBe(b.length);
      for (let j = 0; j < a.length; j++) expect(a[j]).toBeCloseTo(b[j]!, 5);
    }
    // A row without a target contributes nothing.
    expect(Array.from(ours.grads[0]!.dataSync().subarray(dim, 2 * dim)).every((v) => v === 0)).toBe(true);
  });
});
