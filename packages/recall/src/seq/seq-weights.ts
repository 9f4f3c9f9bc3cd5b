import { Rng } from "@tandem/core";

/** Architecture of one sequential model: what a checkpoint must agree on. */
export interface SeqShape {
  numItems: number;
  maxLen: number;
  dim: number;
  blocks: number;
  heads: number;
  /** Width of the frozen item text vectors projected into the model (recall.seq.text = add); 0 or absent: none. */
  textDim?: number;
}

/** Named float32 tables with their shapes, in a fixed order (the artifact's layout). */
export type SeqWeights = Map<string, { shape: number[]; values: Float32Array }>;

/** The weight names and shapes of a SASRec model: item and position embeddings, then each block. */
export function weightShapes(s: SeqShape): [string, number[]][] {
  const d = s.dim;
  const out: [string, number[]][] = [
    ["item", [s.numItems, d]],
    ["pos", [s.maxLen, d]],
  ];
  for (let b = 0; b < s.blocks; b++) {
    const p = `b${b}.`;
    out.push(
      [`${p}ln1.g`, [d]],
      [`${p}ln1.b`, [d]],
      [`${p}wq`, [d, d]],
      [`${p}wk`, [d, d]],
      [`${p}wv`, [d, d]],
      [`${p}wo`, [d, d]],
      [`${p}ln2.g`, [d]],
      [`${p}ln2.b`, [d]],
      [`${p}w1`, [d, d]],
      [`${p}b1`, [d]],
      [`${p}w2`, [d, d]],
      [`${p}b2`, [d]],
    );
  }
  out.push(["lnf.g", [d]], ["lnf.b", [d]]);
  // Last, so a model without text keeps the layout it always had.
  if (s.textDim) out.push(["textProj", [s.textDim, d]]);
  return out;
}

/** Seeded initialisation: Glorot-scaled normals for matrices, ones for norm gains, zeros for biases. */
export function initWeights(s: SeqShape, seed: number): SeqWeights {
  const rng = new Rng(seed);
  const weights: SeqWeights = new Map();
  for (const [name, shape] of weightShapes(s)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (name.endsWith(".g")) values.fill(1);
    else if (shape.length === 2) {
      // Embeddings at 1/√d so that √d-scaled inputs are unit-variance; projections at Glorot. The text
      // projection too at 1/√d: a unit text vector then adds as much as its ID embedding.
      const std =
        name === "item" || name === "pos" || name === "textProj"
          ? 1 / Math.sqrt(s.dim)
          : Math.sqrt(2 / (shape[0]! + shape[1]!));
      for (let i = 0; i < size; i++) values[i] = rng.normal() * std;
    }
    weights.set(name, { shape, values });
  }
  return weights;
}
