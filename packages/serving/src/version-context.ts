import { ArtifactError, UnavailableError } from "@tandem/core";
import { FEATURES, FusionScorer, parseFusion, VERSION_METADATA } from "@tandem/rerank";
import type { FeatureStore } from "@tandem/store";
import { ItemVectorCache } from "./item-vector-cache.js";

/** Item vector kinds /v1/rank reads for items outside the user's candidates (those a version has). */
export const RANK_ITEM_KINDS = ["mf", "text", "stats", "textMf", "seq"] as const;

/** The RANK_ITEM_KINDS a version declares, in that order (optional stages may be absent). */
export const rankItemKinds = (itemKinds: Record<string, number>): string[] =>
  RANK_ITEM_KINDS.filter((k) => k in itemKinds);

/** What serving keeps in memory per live version: loaded once, in the background, when the version changes. */
export interface VersionContext {
  version: string;
  createdAt: number;
  itemIds: readonly string[];
  index: Map<string, number>;
  scorer: FusionScorer;
  /** Popularity order (best first) with scores: the cold-start answer. */
  popular: { items: string[]; scores: Float32Array };
  tags: Map<string, string[]>;
  /** Tags by catalogue index (the request path works on indexes). */
  tagsByIndex: (readonly string[] | undefined)[];
  userKinds: Record<string, number>;
  itemKinds: Record<string, number>;
  /** This version's item vectors (rankItemKinds: `items.kinds` says which), bounded in bytes. */
  items: ItemVectorCache;
}

export async function loadVersionContext(
  store: FeatureStore,
  version: string,
  itemCacheBytes = 256 * 2 ** 20,
): Promise<VersionContext> {
  const info = await store.versionInfo(version);
  if (!info) throw new UnavailableError(`version ${version} disappeared while loading`);
  if (info.columns.join() !== FEATURES.join()) {
    throw new ArtifactError(
      `version ${version} has feature columns [${info.columns}], serving expects [${FEATURES}]`,
    );
  }
  const [itemIds, fusionJson, popularity, tagsJson] = await Promise.all([
    store.getItemIds(),
    store.getMetadata(VERSION_METADATA.fusion),
    store.getPopularity(),
    store.getMetadata(VERSION_METADATA.itemTags),
  ]);
  // These read the live version: if it moved again while loading, this context is not the one asked for.
  if (popularity && popularity.version !== version) {
    throw new UnavailableError(`version ${version} stopped being live while loading`);
  }
  if (typeof fusionJson !== "string") throw new ArtifactError(`version ${version} has no fusion model`);
  const tags = new Map<string, string[]>(Object.entries((tagsJson ?? {}) as Record<string, string[]>));
  return {
    version,
    createdAt: info.createdAt,
    itemIds,
    index: new Map(itemIds.map((id, i) => [id, i])),
    scorer: new FusionScorer(parseFusion(fusionJson)),
    popular: popularity ?? { items: [], scores: new Float32Array(0) },
    tags,
    tagsByIndex: itemIds.map((id) => tags.get(id)),
    userKinds: info.userKinds,
    itemKinds: info.itemKinds,
    items: new ItemVectorCache(store, version, itemIds, rankItemKinds(info.itemKinds), itemCacheBytes),
  };
}
