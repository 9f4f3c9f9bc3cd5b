/** A plain CSR matrix with a value per entry (confidences): rows are users or items. */
export interface Csr {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** The transpose (users × items → items × users), keeping values aligned. */
export function transpose(m: Csr): Csr {
  const indptr = new Int32Array(m.cols + 1);
  for (let p = 0; p < m.indices.length; p++) indptr[m.indices[p]! + 1]!++;
  for (let c = 0; c < m.cols; c++) indptr[c + 1]! += indptr[c]!;
  const fill = indptr.slice(0, m.cols);
  const indices = new Int32Array(m.indices.length);
  const values = new Float32Array(m.indices.length);
  for (let r = 0; r < m.rows; r++) {
    for (let p = m.indptr[r]!; p < m.indptr[r + 1]!; p++) {
      const q = fill[m.indices[p]!]!++;
      indices[q] = r;
      values[q] = m.values[p]!;
    }
  }
  return { rows: m.cols, cols: m.rows, indptr, indices, values };
}
