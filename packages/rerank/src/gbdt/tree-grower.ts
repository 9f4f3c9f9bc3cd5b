/**
 * One regression tree on binned features, grown level by level to a fixed depth on gradient / hessian
 * statistics (second-order boosting): a node splits where the gain
 * G_L²/(H_L+λ) + G_R²/(H_R+λ) - G²/(H+λ) is largest, both sides holding at least `minLeaf` hessian mass;
 * each node's value is its Newton step -G/(H+λ), shrunk. Internal nodes keep their value too: the
 * path-based (Saabas) attribution charges each split feature the change of value along the path.
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

/**
 * Grows a tree over the rows with `rowMask[r]` set; `slotOf` is scratch (one Int32 per row).
 * Returns the tree; `leafOf` receives each masked row's leaf node (others -1).
 */
export function growTree(
  codes: Uint8Array,
  dim: number,
  numBins: Int32Array,
  grad: Float64Array,
  hess: Float64Array,
  rowMask: Uint8Array,
  params: GrowParams,
  leafOf: Int32Array,
): GrownTree {
  const rows = grad.length;
  const maxBins = Math.max(...numBins);
  const tree: GrownTree = { feature: [], bin: [], left: [], right: [], value: [] };
  const newton = (g: number, h: number) => (-g / (h + params.l2)) * params.learningRate;
  let G = 0;
  let H = 0;
  for (let r = 0; r < rows; r++) {
    if (!rowMask[r]) {
      leafOf[r] = -1;
      continue;
    }
    leafOf[r] = 0;
    G += grad[r]!;
    H += hess[r]!;
  }
  const sums = [{ g: G, h: H }];
  tree.feature.push(-1);
  tree.bin.push(0);
  tree.left.push(-1);
  tree.right.push(-1);
  tree.value.push(newton(G, H));
  let level = [0];
  for (let d = 0; d < params.depth && level.length > 0; d++) {
    // Histogram per open node of this level: slot × dim × maxBins × (g, h).
    const slot = new Map(level.map((n, s) => [n, s]));
    const hist = new Float64Array(level.length * dim * maxBins * 2);
    for (let r = 0; r < rows; r++) {
      const s = leafOf[r]! >= 0 ? slot.get(leafOf[r]!) : undefined;
      if (s === undefined) continue;
      const g = grad[r]!;
      const h = hess[r]!;
      const base = s * dim * maxBins;
      const row = r * dim;
      for (let f = 0; f < dim; f++) {
        const at = (base + f * maxBins + codes[row + f]!) * 2;
        hist[at]! += g;
        hist[at + 1]! += h;
      }
    }
    const next: number[] = [];
    const splitOf = new Map<number, { feature: number; bin: number; left: number; right: number }>();
    level.forEach((node, s) => {
      const { g: g0, h: h0 } = sums[node]!;
      const parentScore = (g0 * g0) / (h0 + params.l2);
      let best = { gain: 1e-9, feature: -1, bin: -1, gl: 0, hl: 0 };
      for (let f = 0; f < dim; f++) {
        let gl = 0;
        let hl = 0;
        const at = (s * dim * maxBins + f * maxBins) * 2;
        for (let b = 0; b < numBins[f]! - 1; b++) {
          gl += hist[at + 2 * b]!;
          hl += hist[at + 2 * b + 1]!;
          const hr = h0 - hl;
          if (hl < params.minLeaf || hr < params.minLeaf) continue;
          const gr = g0 - gl;
          const gain = (gl * gl) / (hl + params.l2) + (gr * gr) / (hr + params.l2) - parentScore;
          if (gain > best.gain) best = { gain, feature: f, bin: b, gl, hl };
        }
      }
      if (best.feature < 0) return;
      const l = tree.feature.length;
      for (const [g, h] of [
        [best.gl, best.hl],
        [g0 - best.gl, h0 - best.hl],
      ] as const) {
        sums.push({ g, h });
        tree.feature.push(-1);
        tree.bin.push(0);
        tree.left.push(-1);
        tree.right.push(-1);
        tree.value.push(newton(g, h));
      }
      tree.feature[node] = best.feature;
      tree.bin[node] = best.bin;
      tree.left[node] = l;
      tree.right[node] = l + 1;
      splitOf.set(node, { feature: best.feature, bin: best.bin, left: l, right: l + 1 });
      next.push(l, l + 1);
    });
    for (let r = 0; r < rows; r++) {
      const split = leafOf[r]! >= 0 ? splitOf.get(leafOf[r]!) : undefined;
      if (split) leafOf[r] = codes[r * dim + split.feature]! <= split.bin ? split.left : split.right;
    }
    level = next;
  }
  return tree;
}
