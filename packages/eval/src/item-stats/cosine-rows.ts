import { type UserItems, type ValueWeighting, valueWeights } from "@tandem/data";
import { TopKHeap } from "../top-k-heap.js";
import { itemOccurrences } from "./item-occurrences.js";

/**
 * Everything the cosine row kernel reads, as flat typed arrays: a worker thread gets the same object on
 * SharedArrayBuffers and computes any range of rows exactly as the calling thread would.
 */
export interface CosineInputs {
  numItems: number;
  neighbors: number;
  /** The user-item CSR (positions of user u: indptr[u] .. indptr[u+1]). */
  indptr: Int32Array;
  items: Int32Array;
  /** Per user, the first position that forms pairs (indptr[u], or later under a history cap). */
  start: Int32Array;
  /** The transpose (itemOccurrences): for item i, users and positions it occurs at. */
  occPtr: Int32Array;
  occUser: Int32Array;
  occPosition: Int32Array;
  /** Per item, Σ w² over its counted occurrences (the count, unweighted). */
  norm2: Float32Array;
  /** Per position, the value weight; null for the binary matrix. */
  weights: Float32Array | null;
}

/** Rows `from .. to` of the neighbour lists: row i's are idx[ptr[i - from] .. ptr[i - from + 1]). */
export interface CosineRowBlock {
  from: number;
  to: number;
  ptr: Int32Array;
  idx: Int32Array;
  weight: Float32Array;
}

export interface CosineOptions {
  /** Neighbours kept per item. */
  neighbors: number;
  /**
   * Only each user's latest `historyCap` items form pairs (0 = all). The cost is Σ_u min(|I_u|, cap)²:
   * a cap bounds the few very long histories that dominate it at size.
   */
  historyCap?: number;
  /** How interaction values weight the matrix before the cosine. Default "none" (binary). */
  weighting?: ValueWeighting;
}

export function cosineInputs(ui: UserItems, options: CosineOptions): CosineInputs {
  const cap = options.historyCap ?? 0;
  const occ = itemOccurrences(ui);
  // null: the binary path (the reference numbers).
  const weights = valueWeights(ui, options.weighting ?? "none");
  const start = new Int32Array(ui.numUsers);
  for (let u = 0; u < ui.numUsers; u++)
    start[u] = cap > 0 ? Math.max(ui.indptr[u]!, ui.indptr[u + 1]! - cap) : ui.indptr[u]!;
  const norm2 = new Float32Array(ui.numItems);
  for (let i = 0; i < ui.numItems; i++)
    for (let o = occ.ptr[i]!; o < occ.ptr[i + 1]!; o++) {
      const p = occ.position[o]!;
      if (p >= start[occ.user[o]!]!) norm2[i]! += weights ? weights[p]! ** 2 : 1;
    }
  return {
    numItems: ui.numItems,
    neighbors: options.neighbors,
    indptr: ui.indptr,
    items: ui.items,
    start,
    occPtr: occ.ptr,
    occUser: occ.user,
    occPosition: occ.position,
    norm2,
    weights,
  };
}

/** Pairs row i accumulates (Σ over its users of their window length): what a row range costs. */
export function cosineRowCost(inp: CosineInputs, i: number): number {
  let cost = 0;
  for (let o = inp.occPtr[i]!; o < inp.occPtr[i + 1]!; o++) {
    const u = inp.occUser[o]!;
    if (inp.occPosition[o]! >= inp.start[u]!) cost += inp.indptr[u + 1]! - inp.start[u]!;
  }
  return cost;
}

/**
 * Cosine neighbour rows `from .. to`: per row, a sparse accumulation over the users of item i (memory
 * O(items), never items²), then each touched entry normalised and offered to a top-k heap. Float32
 * accumulation, the same arithmetic on every thread, so any split of rows gives the same lists.
 */
export function cosineRows(inp: CosineInputs, from: number, to: number): CosineRowBlock {
  const { numItems: n, indptr, items, start, occPtr, occUser, occPosition, norm2, weights } = inp;
  // Binary counts are integers: an Int32 accumulator, exact and cheaper than float32.
  const counts = new Int32Array(weights === null ? n : 0);
  const acc = new Float32Array(weights === null ? 0 : n);
  const mark = new Uint8Array(weights === null ? 0 : n);
  const touched = new Int32Array(n + 1);
  const heap = new TopKHeap(inp.neighbors);
  const ptr = new Int32Array(to - from + 1);
  let idx = new Int32Array(Math.max(16, Math.min((to - from) * inp.neighbors, 1 << 20)));
  let weight = new Float32Array(idx.length);
  let filled = 0;
  for (let i = from; i < to; i++) {
    let t = 0;
    for (let o = occPtr[i]!; o < occPtr[i + 1]!; o++) {
      const u = occUser[o]!;
      const s = start[u]!;
      const pos = occPosition[o]!;
      if (pos < s) continue;
      const e = indptr[u + 1]!;
      if (weights === null) {
        // Branch-free "first touch": about half the adds touch a new entry, so a branch mispredicts.
        for (let q = s; q < e; q++) {
          const j = items[q]!;
          const c = counts[j]!;
          touched[t] = j;
          t += (c - 1) >>> 31;
          counts[j] = c + 1;
        }
      } else {
        const wi = weights[pos]!;
        for (let q = s; q < e; q++) {
          const j = items[q]!;
          if (mark[j] === 0) {
            mark[j] = 1;
            touched[t++] = j;
          }
          acc[j]! += wi * weights[q]!;
        }
      }
    }
    const ni = norm2[i]!;
    // Entries clearly under the heap's floor skip the division: c² < floor² · ni · nj, with a margin
    // (1e-6) far above float32 rounding, so every entry that could be kept is computed exactly.
    let floor2 = 0;
    for (let x = 0; x < t; x++) {
      const j = touched[x]!;
      let c: number;
      if (weights === null) {
        c = counts[j]!;
        counts[j] = 0;
      } else {
        c = acc[j]!;
        acc[j] = 0;
        mark[j] = 0;
      }
      if (j === i) continue;
      const d = ni * norm2[j]!;
      if (c * c < floor2 * d) continue;
      const v = Math.fround(c / Math.sqrt(d || 1));
      if (v > 0) {
        heap.push(v, j);
        const floor = heap.floor;
        floor2 = floor > 0 ? floor * floor * (1 - 1e-6) : 0;
      }
    }
    const row = heap.drain();
    if (filled + row.keys.length > idx.length) {
      const grown = new Int32Array(Math.max(filled + row.keys.length, idx.length * 2));
      grown.set(idx.subarray(0, filled));
      idx = grown;
      const grownW = new Float32Array(grown.length);
      grownW.set(weight.subarray(0, filled));
      weight = grownW;
    }
    idx.set(row.keys, filled);
    weight.set(row.scores, filled);
    filled += row.keys.length;
    ptr[i - from + 1] = filled;
  }
  return { from, to, ptr, idx: idx.slice(0, filled), weight: weight.slice(0, filled) };
}
