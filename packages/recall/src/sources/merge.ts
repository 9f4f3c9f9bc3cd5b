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
  const byItem = new Map<number, Candidate>();
  for (const { name, proposals } of lists) {
    proposals.items.forEach((item, r) => {
      let c = byItem.get(item);
      if (!c) {
        c = { item, sources: {} };
        byItem.set(item, c);
      }
      c.sources[name] = proposals.scores[r]!;
    });
  }
  const out: Candidate[] = [];
  const seen = new Set<number>();
  const taken = lists.map(() => 0);
  const cursor = lists.map(() => 0);
  const maxQuota = Math.max(0, ...lists.map((l) => l.quota));
  // Step t lets source s take items up to floor((t + 1) · quota_s / maxQuota): proportional interleave.
  for (let t = 0; t < maxQuota; t++) {
    lists.forEach((l, s) => {
      const allowed = Math.floor(((t + 1) * l.quota) / maxQuota);
      while (taken[s]! < allowed && cursor[s]! < l.proposals.items.length) {
        const item = l.proposals.items[cursor[s]!++]!;
        if (seen.has(item)) continue;
        seen.add(item);
        taken[s]!++;
        out.push(byItem.get(item)!);
      }
    });
  }
  return out;
}
