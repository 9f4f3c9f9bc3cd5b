import { InvalidArgumentError } from "@tandem/core";
import type { RankingExample } from "./candidate-features.js";
import { fitStandardizer, type Standardizer } from "./standardizer.js";

export interface ListwiseOptions {
  /** L2 penalty on the weights. Default 1e-3. */
  l2?: number;
  /** Full-batch Adam steps. Default 300. */
  steps?: number;
  /** Adam learning rate. Default 0.05. */
  learningRate?: number;
}

export interface LinearFusion {
  names: string[];
  standardizer: Standardizer;
  /** Weight per standardized feature. */
  weights: Float32Array;
  /** Mean listwise log-loss on the training examples, after training. */
  loss: number;
  /** Users that taught the model (their chosen item was among the candidates). */
  examples: number;
}

/**
 * Listwise softmax (ListNet with one positive): for each user, maximise the probability of the chosen
 * item under softmax(w · x) over that user's candidates. Convex, so full-batch Adam on typed arrays
 * converges reliably in a few hundred steps; no neural runtime is needed at request time.
 */
export function trainListwise(
  examples: readonly RankingExample[],
  options: ListwiseOptions = {},
): LinearFusion {
  const useful = examples.filter((e) => e.target >= 0 && e.candidates.items.length > 1);
  if (useful.length === 0)
    throw new InvalidArgumentError("no training example has its target among the candidates");
  const names = [...useful[0]!.candidates.names];
  const dim = names.length;
  for (const e of useful) {
    if (e.candidates.names.join() !== names.join())
      throw new InvalidArgumentError("examples disagree on feature names");
  }
  const standardizer = fitStandardizer(
    useful.map((e) => e.candidates),
    dim,
  );
  const xs = useful.map((e) => standardize(e.candidates.values, standardizer, dim));
  const l2 = options.l2 ?? 1e-3;
  const lr = options.learningRate ?? 0.05;
  const steps = options.steps ?? 300;

  const w = new Float64Array(dim);
  const m = new Float64Array(dim);
  const v = new Float64Array(dim);
  const grad = new Float64Array(dim);
  // One scratch row of logits for every list and step: the loop below runs steps × candidates times.
  const scratch = new Float64Array(xs.reduce((n, x) => Math.max(n, x.length / dim), 0));
  let loss = 0;
  for (let step = 1; step <= steps; step++) {
    grad.fill(0);
    loss = 0;
    for (let k = 0; k < useful.length; k++)
      loss += listGradient(xs[k]!, useful[k]!.target, w, grad, dim, scratch);
    for (let f = 0; f < dim; f++) {
      const g = grad[f]! / useful.length + 2 * l2 * w[f]!;
      m[f] = 0.9 * m[f]! + 0.1 * g;
      v[f] = 0.999 * v[f]! + 0.001 * g * g;
      const mHat = m[f]! / (1 - 0.9 ** step);
      const vHat = v[f]! / (1 - 0.999 ** step);
      w[f]! -= (lr * mHat) / (Math.sqrt(vHat) + 1e-8);
    }
  }
  return {
    names,
    standardizer,
    weights: Float32Array.from(w),
    loss: loss / useful.length,
    examples: useful.length,
  };
}

function standardize(values: Float32Array, s: Standardizer, dim: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let p = 0; p < values.length; p++) out[p] = (values[p]! - s.mean[p % dim]!) * s.scale[p % dim]!;
  return out;
}

/**
 * Adds the gradient of -log softmax(target) to `grad`; returns the loss. `scratch` holds the logits,
 * then their exponentials (each computed once): no allocation per list.
 */
function listGradient(
  x: Float32Array,
  target: number,
  w: Float64Array,
  grad: Float64Array,
  dim: number,
  scratch: Float64Array,
): number {
  const n = x.length / dim;
  let max = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < n; r++) {
    let s = 0;
    const row = r * dim;
    for (let f = 0; f < dim; f++) s += w[f]! * x[row + f]!;
    scratch[r] = s;
    if (s > max) max = s;
  }
  const targetLogit = scratch[target]!;
  let z = 0;
  for (let r = 0; r < n; r++) {
    const e = Math.exp(scratch[r]! - max);
    scratch[r] = e;
    z += e;
  }
  for (let r = 0; r < n; r++) {
    const p = scratch[r]! / z - (r === target ? 1 : 0);
    const row = r * dim;
    for (let f = 0; f < dim; f++) grad[f]! += p * x[row + f]!;
  }
  return -(targetLogit - max - Math.log(z));
}
