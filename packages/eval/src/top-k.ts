/**
 * Indexes of the k largest scores, best first, skipping indexes where `masked(i)` is true.
 * A bounded min-heap: O(n log k), no full sort. Ties go to the lower index (deterministic).
 */
export function topK(scores: ArrayLike<number>, k: number, masked?: (i: number) => boolean): Int32Array {
  const heapIdx = new Int32Array(k);
  const heapVal = new Float64Array(k);
  let size = 0;
  // "a is worse than b": lower score, or equal score and higher index.
  const worse = (va: number, ia: number, vb: number, ib: number) => va < vb || (va === vb && ia > ib);
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && worse(heapVal[l]!, heapIdx[l]!, heapVal[m]!, heapIdx[m]!)) m = l;
      if (r < size && worse(heapVal[r]!, heapIdx[r]!, heapVal[m]!, heapIdx[m]!)) m = r;
      if (m === i) return;
      [heapVal[i], heapVal[m]] = [heapVal[m]!, heapVal[i]!];
      [heapIdx[i], heapIdx[m]] = [heapIdx[m]!, heapIdx[i]!];
      i = m;
    }
  };
  for (let i = 0; i < scores.length; i++) {
    if (masked?.(i)) continue;
    const v = scores[i]!;
    if (Number.isNaN(v)) continue;
    if (size < k) {
      let c = size++;
      heapVal[c] = v;
      heapIdx[c] = i;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!worse(heapVal[c]!, heapIdx[c]!, heapVal[p]!, heapIdx[p]!)) break;
        [heapVal[c], heapVal[p]] = [heapVal[p]!, heapVal[c]!];
        [heapIdx[c], heapIdx[p]] = [heapIdx[p]!, heapIdx[c]!];
        c = p;
      }
    } else if (worse(heapVal[0]!, heapIdx[0]!, v, i)) {
      heapVal[0] = v;
      heapIdx[0] = i;
      siftDown(0);
    }
  }
  // Pop worst-first into the tail to get best-first order.
  const out = new Int32Array(size);
  for (let n = size - 1; n >= 0; n--) {
    out[n] = heapIdx[0]!;
    size--;
    heapVal[0] = heapVal[size]!;
    heapIdx[0] = heapIdx[size]!;
    siftDown(0);
  }
  return out;
}
