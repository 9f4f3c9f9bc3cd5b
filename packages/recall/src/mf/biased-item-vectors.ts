import type { MfModel } from "./mf-model.js";

/**
 * MF item rows with the item bias as one extra dimension (BPR's; 0 for ALS): item [v, b] · user [u, 1]
 * = u·v + b, so any inner-product index or dot serves biased scores. The one place this row is built:
 * MF recall indexes it and a published version stores it.
 */
export function biasedItemVectors(model: MfModel): Float32Array {
  const { dim, itemFactors, itemBias, algorithm } = model.parts;
  const n = model.numItems;
  const out = new Float32Array(n * (dim + 1));
  for (let i = 0; i < n; i++) {
    out.set(itemFactors.subarray(i * dim, (i + 1) * dim), i * (dim + 1));
    out[i * (dim + 1) + dim] = algorithm === "bpr" ? itemBias[i]! : 0;
  }
  return out;
}
