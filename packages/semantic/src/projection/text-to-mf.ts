export interface TextToMf {
  /** textDim × k projection and k bias: factor ≈ text · W + b. */
  weights: Float32Array;
  bias: Float32Array;
  textDim: number;
  k: number;
  /** L2 penalty chosen on the held-out items and their mean squared error per factor. */
  lambda: number;
  heldOutMse: number;
}

/** MF-space vectors for the items in `items` (n × textDim text rows) → n × k. */
export function projectText(p: TextToMf, text: Float32Array): Float32Array {
  const n = text.length / p.textDim;
  const out = new Float32Array(n * p.k);
  for (let i = 0; i < n; i++)
    for (let d = 0; d < p.k; d++) {
      let s = p.bias[d]!;
      for (let t = 0; t < p.textDim; t++) s += text[i * p.textDim + t]! * p.weights[t * p.k + d]!;
      out[i * p.k + d] = s;
    }
  return out;
}
