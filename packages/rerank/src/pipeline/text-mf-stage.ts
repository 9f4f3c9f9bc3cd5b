import type { UserItems } from "@tandem/data";
import type { MfModel } from "@tandem/recall";
import { fitTextToMfRidge, projectText } from "@tandem/semantic";

/**
 * Every item's text projected into MF item-factor space (numItems × mf.dim), the map fitted on the
 * items `history` holds (so only what this stage's MF saw teaches it: leak-free within the protocol).
 * `textMf` = user factor · this row: an MF-space score an item gets from its text alone. Closed-form
 * ridge (fitTextToMfRidge), the same map the cold-start experiment uses (about a second per stage).
 */
export function fitTextMf(
  history: UserItems,
  mf: MfModel,
  itemText: Float32Array,
  textDim: number,
  seed: number,
): Float32Array {
  const trained = new Uint8Array(history.numItems);
  for (let p = 0; p < history.items.length; p++) trained[history.items[p]!] = 1;
  const { itemFactors, dim } = mf.parts;
  const map = fitTextToMfRidge(itemText, textDim, itemFactors, dim, trained, { seed });
  return projectText(map, itemText);
}
