import type { TandemConfig } from "@tandem/core";
import { bootstrapMeans, type Interval, type PairedTest, pairedTest } from "@tandem/eval";
import {
  type MergedRecall,
  mergedRecall,
  type QuotaChoice,
  quotasFor,
  type SourceLists,
  type SourceName,
  sourceRecall,
} from "@tandem/recall";

/** Candidate budgets reported (the merged set's total and each source alone). */
export const BUDGETS = [100, 200, 500] as const;

/** The configured quota of each source, in the lists' order: the shares today's merge uses. */
export function configuredQuotas(config: TandemConfig, names: readonly SourceName[]): number[] {
  const s = config.recall.sources;
  const quota: Record<SourceName, number> = {
    mf: s.quotaMf,
    next: s.quotaNext,
    cooc: s.quotaCooc,
    pop: s.quotaPop,
    text: s.quotaText,
    seq: s.quotaSeq,
  };
  return names.map((n) => quota[n]);
}

export interface BudgetRow {
  candidates: string;
  /** Recall@budget with its 95% bootstrap CI, per budget (merged rows: the quotas scaled to that total). */
  recall: Record<number, Interval>;
  /** Mean unique candidates per user, per budget (merged rows only). */
  size?: Record<number, number>;
}

/** Rows for each source alone and the merged set under `shares` scaled to each budget. */
export function budgetRows(
  lists: SourceLists,
  shares: readonly number[],
  options: { resamples: number; seed: number },
): BudgetRow[] {
  const ci = (v: Float64Array) => bootstrapMeans({ r: v }, options)["r"]!;
  const rows: BudgetRow[] = lists.names.map((name) => ({
    candidates: name,
    recall: Object.fromEntries(BUDGETS.map((k) => [k, ci(sourceRecall(lists, name, k))])),
  }));
  const merged = BUDGETS.map((k) => [k, mergedRecall(lists, quotasFor(shares, k))] as const);
  rows.push({
    candidates: `merged (shares ${shares.join(":")})`,
    recall: Object.fromEntries(merged.map(([k, m]) => [k, ci(m.recall)])),
    size: Object.fromEntries(merged.map(([k, m]) => [k, m.meanSize])),
  });
  return rows;
}

export interface QuotaVerdict {
  choice: QuotaChoice;
  validation: PairedTest;
  test: PairedTest;
  testChosen: MergedRecall;
  testDefaults: MergedRecall;
}

/** The split chosen on validation against the configured one, paired on validation and on test users. */
export function quotaVerdict(
  choice: QuotaChoice,
  validation: SourceLists,
  test: SourceLists,
  options: { resamples: number; seed: number },
): QuotaVerdict {
  const paired = (lists: SourceLists) => {
    const a = mergedRecall(lists, choice.quotas);
    const b = mergedRecall(lists, choice.defaults.quotas);
    return { a, b, t: pairedTest(a.recall, b.recall, options) };
  };
  const v = paired(validation);
  const t = paired(test);
  return { choice, validation: v.t, test: t.t, testChosen: t.a, testDefaults: t.b };
}
