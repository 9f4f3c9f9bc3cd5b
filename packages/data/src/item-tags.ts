import type { Item } from "@tandem/core";
import type { TagEvent } from "./raw-data.js";

/**
 * Which user-written tags item text may use. "all": every tag (production: the nightly path, erased
 * users already removed); "none": no user tags; `{ before }`: only tags written strictly before that time
 * (evaluation: before the split's earliest held-out event, so no model sees a tag from its own future).
 */
export type TagRule = "all" | "none" | { before: number };

/** Items with `text.tags` rebuilt from `events` under `rule`: one entry per tag (case-insensitive), in file order. */
export function withItemTags(items: readonly Item[], events: readonly TagEvent[], rule: TagRule): Item[] {
  const byItem = new Map<string, string[]>();
  const seen = new Map<string, Set<string>>();
  if (rule !== "none") {
    for (const e of events) {
      if (typeof rule === "object" && !(e.timestamp < rule.before)) continue;
      const set = seen.get(e.item) ?? new Set<string>();
      seen.set(e.item, set);
      if (set.has(e.tag.toLowerCase())) continue;
      set.add(e.tag.toLowerCase());
      byItem.set(e.item, [...(byItem.get(e.item) ?? []), e.tag]);
    }
  }
  return items.map((item) => {
    const { tags: _old, ...text } = item.text ?? {};
    const tags = byItem.get(item.id);
    const next: Item = { ...item, text: tags ? { ...text, tags: tags.join(", ") } : text };
    if (Object.keys(next.text!).length === 0) delete next.text;
    return next;
  });
}

/** A short human description of a rule, printed with results. */
export function describeTagRule(rule: TagRule): string {
  if (rule === "all") return "all user tags";
  if (rule === "none") return "no user tags";
  return `user tags written before ${new Date(rule.before * 1000).toISOString()}`;
}
