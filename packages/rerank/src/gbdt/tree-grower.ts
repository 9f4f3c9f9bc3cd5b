import type { Columns } from "./binning.js";

/**
 * One regression tree on binned features, grown level by level to a fixed depth on gradient / hessian
 * statistics (second-order boosting): a node splits where the gain
 * G_L²/(H_L+λ) + G_R²/(H_R+λ) - G²/(H+λ) is largest, both sides holding at least `minLeaf` hessian mass;
 * each node's value is its Newton step -G/(H+λ), shrunk. Internal nodes keep their value too: the
 * path-based (Saabas) attribution charges each split feature the change of value along the path.
 *
 * Histogram method: each node owns a contiguous range of a row-index array (kept in ascending row
 * order by stable partitioning, so column reads stay nearly sequential); a split partitions that range
 * in place, the smaller child's histogram is built from its rows and the larger one's is the parent's
 * minus it. No per-row objects, no sorting: a tree costs about rows × features × (1 + (depth-1)/2).
 */
export interface GrowParams {
  depth: number;
  minLeaf: number;
  l2: number;
  learningRate: number;
}

/** A tree in flat arrays: node 0 is the root; feature -1 marks a leaf. */
export interface GrownTree {
  feature: number[];
  /** Split bin: rows with code <= bin go left. */
  bin: number[];
  left: number[];
  right: number[];
  value: number[];
}

/** Per-tree buffers reused across the rounds of one boosting run (one allocation, not one per tree). */
export class GrowScratch {
  /** Row indices, partitioned by node. */
  readonly index: Int32Array;
  /** Partition buffer for the right-hand rows of a split. */
  readonly spill: Int32Array;
  /** The current node's gradients / hessians gathered in index order. */
  readonly g: Float64Array;
  readonly h: Float64Array;
  constructor(rows: number) {
    this.index = new Int32Array(rows);
    this.spill = new Int32Array(rows);
    this.g = new Float64Array(rows);
    this.h = new Float64Array(rows);
  }
}

interface OpenNode {
  node: number;
  begin: number;
  end: number;
  g: number;
  h: number;
  /** totalBins × (g, h), or null when the node is at the depth limit. */
  hist: Float64Array | null;
}

/** Adds the rows index[begin, end) to a fresh histogram (totalBins × (g, h)). */
function histogram(
  cols: Columns,
  grad: Float64Array,
  hess: Float64Array,
  s: GrowScratch,
  begin: number,
  end: number,
) {
  const hist = new Float64Array(cols.totalBins * 2);
  const { index, g, h } = s;
  for (let i = begin; i < end; i++) {
    const r = index[i]!;
    g[i] = grad[r]!;
    h[i] = hess[r]!;
  }
  // Two features per pass: the row index and its gradient pair are loaded once for both.
  let f = 0;
  for (; f + 1 < cols.dim; f += 2) {
    const a = cols.codes.subarray(f * cols.rows, (f + 1) * cols.rows);
    const b = cols.codes.subarray((f + 1) * cols.rows, (f + 2) * cols.rows);
    const offA = cols.binOffset[f]! * 2;
    const offB = cols.binOffset[f + 1]! * 2;
    for (let i = begin; i < end; i++) {
      const r = index[i]!;
      const gi = g[i]!;
      const hi = h[i]!;
      const atA = offA + a[r]! * 2;
      hist[atA]! += gi;
      hist[atA + 1]! += hi;
      const atB = offB + b[r]! * 2;
      hist[atB]! += gi;
      hist[atB + 1]! += hi;
    }
  }
  for (; f < cols.dim; f++) {
    const col = cols.codes.subarray(f * cols.rows, (f + 1) * cols.rows);
    const off = cols.binOffset[f]! * 2;
    for (let i = begin; i < end; i++) {
      const at = off + col[index[i]!]! * 2;
      hist[at]! += g[i]!;
      hist[at + 1]! += h[i]!;
    }
  }
  return hist;
}

interface Split {
  feature: number;
  bin: number;
  gl: number;
  hl: number;
}

/** The best split of a node from its histogram (first strictly best in feature, bin order), or null. */
function bestSplit(cols: Columns, n: OpenNode, p: GrowParams): Split | null {
  const hist = n.hist!;
  const parentScore = (n.g * n.g) / (n.h + p.l2);
  let gain = 1e-9;
  let best: Split | null = null;
  for (let f = 0; f < cols.dim; f++) {
    let gl = 0;
    let hl = 0;
    const at = cols.binOffset[f]! * 2;
    for (let b = 0; b < cols.numBins[f]! - 1; b++) {
      gl += hist[at + 2 * b]!;
      hl += hist[at + 2 * b + 1]!;
      const hr = n.h - hl;
      if (hl < p.minLeaf || hr < p.minLeaf) continue;
      const gr = n.g - gl;
      const g = (gl * gl) / (hl + p.l2) + (gr * gr) / (hr + p.l2) - parentScore;
      if (g > gain) {
        gain = g;
        best = { feature: f, bin: b, gl, hl };
      }
    }
  }
  return best;
}

/** Stable in-place partition of index[begin, end): rows with code <= bin first; returns the boundary. */
function partition(cols: Columns, s: GrowScratch, n: OpenNode, split: Split): number {
  const col = cols.codes.subarray(split.feature * cols.rows, (split.feature + 1) * cols.rows);
  const { index, spill } = s;
  let l = n.begin;
  let r = 0;
  for (let i = n.begin; i < n.end; i++) {
    const row = index[i]!;
    if (col[row]! <= split.bin) index[l++] = row;
    else spill[r++] = row;
  }
  index.set(spill.subarray(0, r), l);
  return l;
}

/** Grows a tree over the rows with `rowMask[r]` set. */
export function growTree(
  cols: Columns,
  grad: Float64Array,
  hess: Float64Array,
  rowMask: Uint8Array,
  params: GrowParams,
  scratch: GrowScratch,
): GrownTree {
  const tree: GrownTree = { feature: [], bin: [], left: [], right: [], value: [] };
  const leaf = (g: number, h: number) => {
    tree.feature.push(-1);
    tree.bin.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push((-g / (h + params.l2)) * params.learningRate);
    return tree.feature.length - 1;
  };
  let count = 0;
  let G = 0;
  let H = 0;
  for (let r = 0; r < cols.rows; r++) {
    if (!rowMask[r]) continue;
    scratch.index[count++] = r;
    G += grad[r]!;
    H += hess[r]!;
  }
  const root = leaf(G, H);
  const hist = params.depth > 0 ? histogram(cols, grad, hess, scratch, 0, count) : null;
  let level: OpenNode[] = [{ node: root, begin: 0, end: count, g: G, h: H, hist }];
  for (let d = 0; d < params.depth && level.length > 0; d++) {
    const next: OpenNode[] = [];
    const deeper = d + 1 < params.depth;
    for (const n of level) {
      const split = bestSplit(cols, n, params);
      if (!split) continue;
      const mid = partition(cols, scratch, n, split);
      const left: OpenNode = {
        node: leaf(split.gl, split.hl),
        begin: n.begin,
        end: mid,
        g: split.gl,
        h: split.hl,
        hist: null,
      };
      const right: OpenNode = {
        node: leaf(n.g - split.gl, n.h - split.hl),
        begin: mid,
        end: n.end,
        g: n.g - split.gl,
        h: n.h - split.hl,
        hist: null,
      };
      tree.feature[n.node] = split.feature;
      tree.bin[n.node] = split.bin;
      tree.left[n.node] = left.node;
      tree.right[n.node] = right.node;
      if (deeper) {
        // Subtraction trick: only the smaller child's rows are read.
        const [small, large] = mid - n.begin <= n.end - mid ? [left, right] : [right, left];
        small.hist = histogram(cols, grad, hess, scratch, small.begin, small.end);
        const big = n.hist!;
        for (let i = 0; i < big.length; i++) big[i]! -= small.hist[i]!;
        large.hist = big;
      }
      next.push(left, right);
    }
    level = next;
  }
  return tree;
}
