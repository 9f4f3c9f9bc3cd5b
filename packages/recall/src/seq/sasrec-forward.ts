import { Rng } from "@tandem/core";
import { tf } from "@tandem/tf";
import type { SeqShape } from "./seq-weights.js";

type T = ReturnType<typeof tf.tensor>;
type T2 = ReturnType<typeof tf.tensor2d>;

export interface ForwardOptions {
  /** Dropout rate; 0 at inference. */
  dropout: number;
  /** Base seed for this call's dropout masks. */
  seed: number;
}

function layerNorm(x: T, g: T, b: T): T {
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, 1e-6))), g), b);
}

/**
 * SASRec forward pass (pre-norm blocks): x0 is the gathered item embeddings [B, L, d] (gathered by the
 * caller: tf.gather has no gradient on wasm), mask [B, L, 1] is 1 on real items (histories are left-padded).
 * Returns the final hidden states [B, L, d]; position t only sees positions ≤ t.
 */
export function sasrecForward(s: SeqShape, w: Record<string, T>, x0: T, mask: T, o: ForwardOptions): T {
  const [B, L] = x0.shape as [number, number, number];
  const d = s.dim;
  const h = s.heads;
  const dh = d / h;
  const rng = new Rng(o.seed);
  const drop = (x: T) => (o.dropout > 0 ? tf.mul(x, dropoutMask(x.shape, o.dropout, rng)) : x);
  const pos = tf.slice(w["pos"]!, [s.maxLen - L, 0], [L, d]);
  let x = tf.mul(drop(tf.add(tf.mul(x0, Math.sqrt(d)), pos)), mask);
  // Causal bias [L, L] plus key-padding bias [B, 1, 1, L]: −1e9 where attention is not allowed.
  const causal = tf.tensor2d(causalBias(L), [L, L]);
  const keyPad = tf.reshape(tf.mul(tf.sub(1, mask), -1e9), [B, 1, 1, L]);
  const bias = tf.add(causal, keyPad);
  // With one head the [B, h, L, dh] layout is a reshape; transposes cost a copy each way.
  const heads = (t: T) =>
    h === 1 ? tf.reshape(t, [B, 1, L, d]) : tf.transpose(tf.reshape(t, [B, L, h, dh]), [0, 2, 1, 3]);
  const merge = (t: T) =>
    h === 1 ? tf.reshape(t, [B, L, d]) : tf.reshape(tf.transpose(t, [0, 2, 1, 3]), [B, L, d]);
  const mm = (t: T, m: T) => tf.reshape(tf.matMul(tf.reshape(t, [B * L, d]) as T2, m as T2), [B, L, d]);
  for (let b = 0; b < s.blocks; b++) {
    const p = `b${b}.`;
    const n1 = layerNorm(x, w[`${p}ln1.g`]!, w[`${p}ln1.b`]!);
    const q = heads(mm(n1, w[`${p}wq`]!));
    const k = heads(mm(n1, w[`${p}wk`]!));
    const v = heads(mm(n1, w[`${p}wv`]!));
    const att = tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)), bias));
    const ctx = merge(tf.matMul(att, v));
    x = tf.add(x, drop(mm(ctx, w[`${p}wo`]!)));
    const n2 = layerNorm(x, w[`${p}ln2.g`]!, w[`${p}ln2.b`]!);
    const f = tf.add(mm(tf.relu(tf.add(mm(n2, w[`${p}w1`]!), w[`${p}b1`]!)), w[`${p}w2`]!), w[`${p}b2`]!);
    x = tf.mul(tf.add(x, drop(f)), mask);
  }
  return layerNorm(x, w["lnf.g"]!, w["lnf.b"]!);
}

/**
 * Inverted-dropout mask (0 or 1/(1 − rate)) from the seeded Rng: tf.dropout draws its uniforms through
 * seedrandom in JS, which cost a third of the forward pass.
 */
function dropoutMask(shape: number[], rate: number, rng: Rng): T {
  const n = shape.reduce((a, b) => a * b, 1);
  const mask = new Float32Array(n);
  const keep = 1 / (1 - rate);
  for (let i = 0; i < n; i++) mask[i] = rng.next() < rate ? 0 : keep;
  return tf.tensor(mask, shape);
}

const causalCache = new Map<number, Float32Array>();
function causalBias(L: number): Float32Array {
  let c = causalCache.get(L);
  if (!c) {
    c = new Float32Array(L * L);
    for (let i = 0; i < L; i++) for (let j = i + 1; j < L; j++) c[i * L + j] = -1e9;
    causalCache.set(L, c);
  }
  return c;
}
