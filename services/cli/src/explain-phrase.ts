import type { Dataset, UserItems } from "@tandem/data";
import { userItemsOf } from "@tandem/data";
import type { StageModels } from "@tandem/rerank";
import type { ScoredItem } from "@tandem/serving";

const GROUPS = {
  collaborative: ["mf", "cooc", "next", "seq", "fromMf", "fromCooc", "fromNext", "fromSeq"],
  semantic: ["textProfile", "textLast", "textMf", "fromText"],
  popularity: ["logPop", "recentPop", "fromPop"],
} as const;

/** How many of the user's latest items may be named as the reason. */
const RECENT = 20;

const title = (dataset: Dataset, i: number) => {
  const item = dataset.itemInfo[i]!;
  const year = item.attributes?.["year"];
  return year ? `${item.title} (${year})` : item.title;
};

/** The recent history item most co-consumed with `target` (users who have both). */
function coConsumed(history: UserItems, recent: Int32Array, target: number): number | null {
  const haveTarget = new Set<number>();
  for (let u = 0; u < history.numUsers; u++) if (userItemsOf(history, u).includes(target)) haveTarget.add(u);
  let best: number | null = null;
  let bestCount = 0;
  for (const item of recent) {
    let count = 0;
    for (const u of haveTarget) if (userItemsOf(history, u).includes(item)) count++;
    if (count > bestCount) [best, bestCount] = [item, count];
  }
  return best;
}

function closestInMeaning(stage: StageModels, recent: Int32Array, target: number): number | null {
  const d = stage.textDim;
  let best: number | null = null;
  let bestSim = Number.NEGATIVE_INFINITY;
  for (const item of recent) {
    let s = 0;
    for (let k = 0; k < d; k++) s += stage.itemText[item * d + k]! * stage.itemText[target * d + k]!;
    if (s > bestSim) [best, bestSim] = [item, s];
  }
  return best;
}

/** A sentence a person understands, from the per-signal contributions the API returns. */
export function explainInWords(dataset: Dataset, stage: StageModels, user: number, rec: ScoredItem): string {
  const target = dataset.items.index(rec.itemId);
  const history = userItemsOf(stage.history, user);
  const recent = history.subarray(Math.max(0, history.length - RECENT));
  const weight = (names: readonly string[]) => names.reduce((s, n) => s + (rec.explanation?.[n] ?? 0), 0);
  const [group] = (Object.entries(GROUPS) as [keyof typeof GROUPS, readonly string[]][])
    .map(([name, names]) => [name, weight(names)] as const)
    .sort((a, b) => b[1] - a[1])[0]!;
  if (group === "collaborative") {
    const anchor = coConsumed(stage.history, recent, target);
    return anchor === null
      ? "people with similar taste liked it"
      : `because you watched ${title(dataset, anchor)}`;
  }
  if (group === "semantic") {
    const anchor = closestInMeaning(stage, recent, target);
    return anchor === null
      ? "close to your taste in meaning"
      : `semantic match: close in meaning to ${title(dataset, anchor)}`;
  }
  return "popular with everyone right now";
}

export { title as itemTitle };
