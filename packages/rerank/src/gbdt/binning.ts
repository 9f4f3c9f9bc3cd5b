/**
 * Quantile bin edges per feature, and every value's bin code. A value x gets the first b with
 * x <= edges[b] (else edges.length), so "code <= b" and "x <= edges[b]" pick the same rows: trees are
 * grown on codes and exported with raw thresholds.
 */
export interface Bins {
  /** Ascending distinct edges per feature (at most bins - 1 of them). */
  edges: Float32Array[];
}

/** Edges from up to `sampleRows` evenly spaced rows of a rows × dim matrix. */
export function fitBins(values: Float32Array, dim: number, bins: number, sampleRows = 50_000): Bins {
  const rows = values.length / dim;
  const step = Math.max(1, Math.floor(rows / sampleRows));
  const edges: Float32Array[] = [];
  for (let f = 0; f < dim; f++) {
    const sample: number[] = [];
    for (let r = 0; r < rows; r += step) sample.push(values[r * dim + f]!);
    sample.sort((a, b) => a - b);
    const out: number[] = [];
    for (let b = 1; b < bins; b++) {
      const q = sample[Math.min(sample.length - 1, Math.floor((b * sample.length) / bins))]!;
      // An edge at the maximum would leave its right side empty: no split could use it.
      if (q < sample[sample.length - 1]! && (out.length === 0 || q > out[out.length - 1]!)) out.push(q);
    }
    edges.push(Float32Array.from(out));
  }
  return { edges };
}

/** rows × dim codes, row-major (at most 255 bins). */
export function binCodes(values: Float32Array, dim: number, bins: Bins): Uint8Array {
  const codes = new Uint8Array(values.length);
  for (let p = 0; p < values.length; p++) {
    const e = bins.edges[p % dim]!;
    const x = values[p]!;
    // Binary search for the first edge >= x.
    let lo = 0;
    let hi = e.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (e[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    codes[p] = lo;
  }
  return codes;
}
