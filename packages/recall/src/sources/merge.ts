import type { Candidate, Proposals, SourceName } from "./candidate.js";

export interface SourceList {
  name: SourceName;
  quota: number;
  proposals: Proposals;
}

/**
 * Merges per-source lists: each source contributes at most its quota, duplicates collapse into one
 * candidate that keeps every proposing source's score (also from sources whose quota was already
 * full). Order interleaves the sources by rank, in proportion to their quotas, in the order given,
 * so the head of the merged list holds each source's best items.
 */
export function mergeCandidates(lists: readonly SourceList[]): Candidate[] {
  // Plain loops over the typed arrays: this runs once per user per version, ~500 proposals each.
  const byItem = new Map<number, Candidate>();
  for (const { name, proposals } of lists) {
    const { items, scores } = proposals;
    for (let r = 0; r < items.length; r++) {
      const item = items[r]!;
      let c = byItem.get(item);
      if (c === undefined) {
        c = { item, sources: {} };
        byItem.set(item, c);
      }
      c.sources[name] = scores[r]!;
    }
  }
  const out: Candidate[] = [];
  const taken = new Int32Array(lists.length);
  const cursor = new Int32Array(lists.length);
  const maxQuota = Math.max(0, ...lists.map((l) => l.quota));
  // Step t lets source s take items up to floor((t + 1) · quota_s / maxQuota): proportional interleave.
  // A placed item leaves byItem, so a later proposal of it is skipped.
  for (let t = 0; t < maxQuota; t++) {
    for (let s = 0; s < lists.length; s++) {
      const { quota, proposals } = lists[s]!;
      const allowed = Math.floor(((t + 1) * quota) / maxQuota);
      while (taken[s]! < allowed && cursor[s]! < proposals.items.length) {
        const item = proposals.items[cursor[s]!++]!;
        const c = byItem.get(item);
        if (c === undefined) continue;
        byItem.delete(item);
        taken[s]!++;
        out.push(c);
      }
    }
  }
  return out;
}
