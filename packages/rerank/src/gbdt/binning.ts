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

/**
 * Bin codes column-major (feature f's codes for all rows at f × rows): the split search and the tree
 * walk read one feature's column at a time. `binOffset[f]` is feature f's first slot in a histogram
 * of `totalBins` slots.
 */
export interface Columns {
  codes: Uint8Array;
  rows: number;
  dim: number;
  numBins: Int32Array;
  binOffset: Int32Array;
  totalBins: number;
}

/** A rows × dim row-major matrix's codes, column-major (at most 255 bins). */
export function binColumns(values: Float32Array, dim: number, bins: Bins): Columns {
  const rows = values.length / dim;
  const codes = new Uint8Array(values.length);
  for (let f = 0; f < dim; f++) {
    const e = bins.edges[f]!;
    const col = f * rows;
    for (let r = 0; r < rows; r++) {
      const x = values[r * dim + f]!;
      // Binary search for the first edge >= x.
      let lo = 0;
      let hi = e.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (e[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      codes[col + r] = lo;
    }
  }
  const numBins = Int32Array.from(bins.edges, (e) => e.length + 1);
  const binOffset = new Int32Array(dim);
  for (let f = 1; f < dim; f++) binOffset[f] = binOffset[f - 1]! + numBins[f - 1]!;
  return { codes, rows, dim, numBins, binOffset, totalBins: binOffset[dim - 1]! + numBins[dim - 1]! };
}
