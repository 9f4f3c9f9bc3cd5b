import { SIMILAR_KIND, type StageModels, similarItemLists, similarVectors } from "@tandem/rerank";
import type { FeatureStore } from "@tandem/store";

/**
 * Stores each item's `depth` most similar items (what /similar serves) into `version`: the one write
 * of the lists, for the in-process writer and the worker's train-cf alike. Nothing when depth is 0.
 */
export async function writeSimilarLists(
  store: FeatureStore,
  version: string,
  stage: StageModels,
  itemIds: readonly string[],
  depth: number,
  progress = false,
): Promise<void> {
  if (depth <= 0) return;
  const lists = similarItemLists(stage.textIndex, stage.itemText, depth, progress);
  await store.writeItemVectors(version, SIMILAR_KIND, itemIds, similarVectors(lists, depth));
}
