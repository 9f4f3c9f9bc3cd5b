import type { Dataset } from "../dataset.js";
import { type TagRule, withItemTags } from "../item-tags.js";
import { nnz } from "../user-items.js";
import type { Split } from "./split.js";

/** Time of the split's earliest validation or test event: nothing from then on may shape item text. */
export function earliestHeldOut(split: Split): number {
  let t = Number.POSITIVE_INFINITY;
  for (const m of [split.validation, split.test])
    for (let p = 0; p < nnz(m); p++) t = Math.min(t, m.times[p]!);
  return t;
}

export type ItemTagMode = "before-cut" | "none" | "all";

export function tagRuleFor(split: Split, mode: ItemTagMode): TagRule {
  return mode === "before-cut" ? { before: earliestHeldOut(split) } : mode;
}

/**
 * The dataset as evaluation on `split` may see it: item text rebuilt from the user tags `mode` allows
 * (by default only tags written before the earliest held-out event). A new object, so embeddings
 * memoised per dataset are not shared with a view under another rule.
 */
export function datasetForSplit(dataset: Dataset, split: Split, mode: ItemTagMode): Dataset {
  if (mode === "all" || !dataset.tags) return dataset;
  return {
    ...dataset,
    itemInfo: withItemTags(dataset.itemInfo, dataset.tags ?? [], tagRuleFor(split, mode)),
  };
}
