import { tf } from "@tandem/tf";

export type BprTensor =
  | ReturnType<typeof tf.tensor2d>
  | ReturnType<typeof tf.tensor1d>
  | ReturnType<typeof tf.scalar>;
type T2 = ReturnType<typeof tf.tensor2d>;

/**
 * BPR loss Σ softplus(−x̂) + λ(‖p_u‖² + ‖q_i‖² + ‖q_j‖²), x̂ = p_u·(q_i − q_j) + b_i − b_j, as a TF.js
 * `customGrad` with the hand-derived gradient (∂/∂x̂ = −σ(−x̂)). A custom gradient is required: the
 * tfjs-core build Node loads registers no op gradients (they live in its ESM-only
 * register_all_gradients, which Node cannot import), so `tf.grads` over plain ops throws. softplus(−x)
 * stands in for −logSigmoid(x), which crashes inside gradient code on wasm.
 */
export function bprLossGradients(reg: number): (xs: BprTensor[]) => BprTensor[] {
  type Grad = Parameters<typeof tf.customGrad>[0];
  const loss = tf.customGrad(((...args: unknown[]) => {
    const [pu, qi, qj, bi, bj, save] = args as [
      BprTensor,
      BprTensor,
      BprTensor,
      BprTensor,
      BprTensor,
      (ts: BprTensor[]) => void,
    ];
    const diff = tf.sub(qi, qj);
    const x = tf.add(tf.sum(tf.mul(pu, diff), 1), tf.sub(bi, bj));
    save([pu, qi, qj, x as unknown as T2]);
    const l2 = tf.add(tf.add(tf.sum(tf.square(pu)), tf.sum(tf.square(qi))), tf.sum(tf.square(qj)));
    const value = tf.add(tf.sum(tf.softplus(tf.neg(x))), tf.mul(l2, reg));
    const gradFunc = (dy: BprTensor, saved: BprTensor[]) => {
      const [sp, sqi, sqj, sx] = saved as [BprTensor, BprTensor, BprTensor, BprTensor];
      // ∂loss/∂x̂ = −σ(−x̂), scaled by the upstream gradient.
      const g = tf.mul(tf.neg(tf.sigmoid(tf.neg(sx))), dy);
      const g2 = tf.expandDims(g, 1);
      const twoReg = 2 * reg;
      return [
        tf.add(tf.mul(g2, tf.sub(sqi, sqj)), tf.mul(sp, twoReg * 1)),
        tf.add(tf.mul(g2, sp), tf.mul(sqi, twoReg)),
        tf.add(tf.neg(tf.mul(g2, sp)), tf.mul(sqj, twoReg)),
        g,
        tf.neg(g),
      ];
    };
    return { value, gradFunc };
  }) as unknown as Grad);
  const grads = tf.grads(((...xs: BprTensor[]) => loss(...xs)) as unknown as Parameters<typeof tf.grads>[0]);
  return grads as unknown as (xs: BprTensor[]) => BprTensor[];
}

/**
 * The same gradients as `bprLossGradients`, in typed-array loops (engine "typed"). On this machine
 * TF.js spends most of a step allocating fresh output buffers for 4096 × 64 element-wise ops (see
 * bench/results/recall.md), so the default engine is this one; the two are checked equal in tests.
 */
export function bprGradientsTyped(
  pu: Float32Array,
  qi: Float32Array,
  qj: Float32Array,
  bi: Float32Array,
  bj: Float32Array,
  k: number,
  reg: number,
): Float32Array[] {
  const n = bi.length;
  const gu = new Float32Array(n * k);
  const gi = new Float32Array(n * k);
  const gj = new Float32Array(n * k);
  const gbi = new Float32Array(n);
  const gbj = new Float32Array(n);
  const twoReg = 2 * reg;
  for (let b = 0; b < n; b++) {
    const o = b * k;
    let x = bi[b]! - bj[b]!;
    for (let d = 0; d < k; d++) x += pu[o + d]! * (qi[o + d]! - qj[o + d]!);
    const g = -1 / (1 + Math.exp(x)); // −σ(−x)
    for (let d = 0; d < k; d++) {
      const p = pu[o + d]!;
      gu[o + d] = g * (qi[o + d]! - qj[o + d]!) + twoReg * p;
      gi[o + d] = g * p + twoReg * qi[o + d]!;
      gj[o + d] = -g * p + twoReg * qj[o + d]!;
    }
    gbi[b] = g;
    gbj[b] = -g;
  }
  return [gu, gi, gj, gbi, gbj];
}
