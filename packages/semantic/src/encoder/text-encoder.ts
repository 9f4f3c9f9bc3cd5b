/**
 * Turns texts into unit-length vectors. Implementations batch internally as they see fit; callers may
 * pass any number of texts. Cosine similarity between two outputs is their dot product.
 */
export interface TextEncoder {
  /** Stable identity of the model and its settings: cache entries are keyed by it. */
  readonly id: string;
  readonly dim: number;
  /** Longest input, in characters, the model uses in full; item text is cut to it. */
  readonly maxInputChars?: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Frees model memory. Optional: HTTP encoders hold none. */
  dispose?(): Promise<void> | void;
}

/** In-place L2 normalisation; a zero vector stays zero. */
export function l2Normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  if (sum > 0) {
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < v.length; i++) v[i]! *= inv;
  }
  return v;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
