import { Rng } from "@tandem/core";
import { initTf, tf } from "@tandem/tf";

export interface TextToMfOptions {
  /** L2 penalty on the projection matrix. Default 1e-3. */
  reg?: number;
  /** Full-batch Adam steps at most. Default 300. */
  maxSteps?: number;
  /** Adam learning rate. Default 0.01. */
  lr?: number;
  /** Share of the trained items held out to pick the step count (lowest held-out error). Default 0.1. */
  holdout?: number;
  seed?: number;
}

export interface TextToMf {
  /** textDim × k projection and k bias: factor ≈ text · W + b. */
  weights: Float32Array;
  bias: Float32Array;
  textDim: number;
  k: number;
  /** Steps chosen on the held-out items and their mean squared error per factor. */
  steps: number;
  heldOutMse: number;
}

/**
 * Learns a linear map from frozen text embeddings to MF item factors on the items MF was trained on
 * (`trained[i] = 1`), by full-batch Adam on the squared error in TF.js, the step count chosen on a seeded
 * held-out share of those items. A cold item's MF-space vector is then its text times W, plus b.
 */
export async function fitTextToMf(
  text: Float32Array,
  textDim: number,
  factors: Float32Array,
  k: number,
  trained: Uint8Array,
  options: TextToMfOptions = {},
): Promise<TextToMf> {
  await initTf({ log: false });
  const { reg = 1e-3, maxSteps = 300, lr = 0.01, holdout = 0.1, seed = 42 } = options;
  const rng = new Rng(seed);
  const fitRows: number[] = [];
  const heldRows: number[] = [];
  for (let i = 0; i < trained.length; i++)
    if (trained[i]) (rng.next() < holdout ? heldRows : fitRows).push(i);
  const rows = (ids: number[], table: Float32Array, dim: number) => {
    const out = new Float32Array(ids.length * dim);
    ids.forEach((id, r) => {
      out.set(table.subarray(id * dim, (id + 1) * dim), r * dim);
    });
    return tf.tensor2d(out, [ids.length, dim]);
  };
  const [xFit, yFit, xHeld, yHeld] = [
    rows(fitRows, text, textDim),
    rows(fitRows, factors, k),
    rows(heldRows, text, textDim),
    rows(heldRows, factors, k),
  ];
  const w = tf.variable(tf.zeros([textDim, k]));
  const b = tf.variable(tf.zeros([k]));
  const optimizer = tf.train.adam(lr);
  const predict = (x: ReturnType<typeof tf.tensor2d>) => tf.add(tf.matMul(x, w), b);
  let best: { steps: number; mse: number; w: Float32Array; b: Float32Array } = {
    steps: 0,
    mse: Number.POSITIVE_INFINITY,
    w: new Float32Array(textDim * k),
    b: new Float32Array(k),
  };
  try {
    for (let step = 1; step <= maxSteps; step++) {
      optimizer.minimize(
        () =>
          tf.add(
            tf.mean(tf.square(tf.sub(predict(xFit), yFit))),
            tf.mul(reg, tf.sum(tf.square(w))),
          ) as ReturnType<typeof tf.scalar>,
      );
      const mse =
        heldRows.length > 0
          ? tf.tidy(() => tf.mean(tf.square(tf.sub(predict(xHeld), yHeld))).dataSync()[0]!)
          : 0;
      if (mse < best.mse)
        best = {
          steps: step,
          mse,
          w: w.dataSync().slice() as Float32Array,
          b: b.dataSync().slice() as Float32Array,
        };
    }
  } finally {
    for (const t of [xFit, yFit, xHeld, yHeld, w, b]) t.dispose();
    optimizer.dispose();
  }
  return { weights: best.w, bias: best.b, textDim, k, steps: best.steps, heldOutMse: best.mse };
}

/** MF-space vectors for the items in `items` (n × textDim text rows) → n × k. */
export function projectText(p: TextToMf, text: Float32Array): Float32Array {
  const n = text.length / p.textDim;
  const out = new Float32Array(n * p.k);
  for (let i = 0; i < n; i++)
    for (let d = 0; d < p.k; d++) {
      let s = p.bias[d]!;
      for (let t = 0; t < p.textDim; t++) s += text[i * p.textDim + t]! * p.weights[t * p.k + d]!;
      out[i * p.k + d] = s;
    }
  return out;
}
