import { VERSION_METADATA } from "@tandem/rerank";
import type { CandidateList, FeatureStore, UserRecord } from "@tandem/store";

export interface CopyOptions {
  /** Id of the copy. Default the live version's own. */
  as?: string;
  /** Changes each user's candidates on the way (a version whose answers differ). Default none. */
  candidates?: (list: CandidateList) => CandidateList;
}

/**
 * Writes the live version of `from` into `to` and publishes it there, reading only through the store
 * API (no key copying): what a second deployment would hold had it run the same nightly.
 */
export async function copyLiveVersion(
  from: FeatureStore,
  to: FeatureStore,
  userIds: readonly string[],
  options: CopyOptions = {},
): Promise<string> {
  const live = await from.liveVersion();
  if (!live) throw new Error("nothing is live to copy");
  const info = (await from.versionInfo(live))!;
  const version = options.as ?? live;
  const itemIds = await from.getItemIds();
  await to.beginVersion(version, {
    itemIds,
    columns: info.columns,
    itemKinds: info.itemKinds,
    userKinds: info.userKinds,
  });
  for (const kind of Object.keys(info.itemKinds)) {
    const read = (await from.getItemVectorsAt(live, kind, itemIds))!;
    const ids = itemIds.filter((_, i) => read.vectors[i] !== null);
    const packed = new Float32Array(ids.length * read.dims);
    let row = 0;
    for (const v of read.vectors) if (v) packed.set(v, row++ * read.dims);
    await to.writeItemVectors(version, kind, ids, packed);
  }
  const records: UserRecord[] = [];
  for (const userId of userIds) {
    const f = await from.getUserFeatures(userId);
    if (!f) continue;
    records.push({
      userId,
      vectors: f.vectors,
      scalars: f.scalars,
      ...(f.candidates && { candidates: options.candidates?.(f.candidates) ?? f.candidates }),
    });
  }
  await to.writeUsers(version, records);
  const popularity = await from.getPopularity();
  if (popularity) await to.writePopularity(version, popularity.items, popularity.scores);
  for (const name of Object.values(VERSION_METADATA)) {
    const value = await from.getMetadata(name);
    if (value !== null && value !== undefined) await to.writeMetadata(version, name, value);
  }
  await to.publish(version);
  return version;
}
