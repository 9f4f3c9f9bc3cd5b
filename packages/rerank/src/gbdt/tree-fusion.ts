import type { LinearFusion } from "../listwise-trainer.js";

/**
 * A boosted-tree fusion as flat typed arrays (every tree's nodes in one set of arrays), in raw feature
 * units: scoring walks each tree with one comparison per level, no standardizer and no allocation.
 */
export interface TreeFusion {
  kind: "gbdt";
  names: string[];
  /** First node of each tree. */
  roots: Int32Array;
  /** Split feature per node; -1 = leaf. */
  feature: Int32Array;
  /** Rows with value <= threshold go to `left`. */
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  /** The node's (shrunk) Newton value; a leaf's is its output. */
  value: Float32Array;
  /** Mean listwise log-loss on the training examples, after training. */
  loss: number;
  /** Lists that taught the model. */
  examples: number;
  /** A linear fusion the trees were boosted from (gbdt.base = "linear"): its score is added. */
  base?: LinearFusion;
  /** What the inner validation chose (reported with the fit). */
  chosen: { depth: number; learningRate: number; trees: number };
}

/** Sum of the leaves a feature row reaches. */
export function treeScore(m: TreeFusion, x: Float32Array, at: number): number {
  let s = 0;
  for (let t = 0; t < m.roots.length; t++) {
    let n = m.roots[t]!;
    while (m.feature[n]! >= 0) n = x[at + m.feature[n]!]! <= m.threshold[n]! ? m.left[n]! : m.right[n]!;
    s += m.value[n]!;
  }
  return s;
}

/** The score that does not depend on the row: every tree's root value. */
export const treeBias = (m: TreeFusion): number => m.roots.reduce((s, r) => s + m.value[r]!, 0);

/**
 * Path attribution (Saabas): along each tree's path every split charges its feature the change from
 * the node's value to the child's, so bias + Σ contributions = score exactly.
 */
export function treeContributions(m: TreeFusion, x: Float32Array, at: number, out: Float64Array): void {
  out.fill(0);
  for (let t = 0; t < m.roots.length; t++) {
    let n = m.roots[t]!;
    while (m.feature[n]! >= 0) {
      const f = m.feature[n]!;
      const child = x[at + f]! <= m.threshold[n]! ? m.left[n]! : m.right[n]!;
      out[f]! += m.value[child]! - m.value[n]!;
      n = child;
    }
  }
}
