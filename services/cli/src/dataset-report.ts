import { markdownTable } from "@tandem/core";
import { type Dataset, nnz, type Split } from "@tandem/data";

/** Filtering steps and split sizes as tables: what the numbers below were computed on. */
export function datasetReport(dataset: Dataset, split: Split): string {
  const { users, items } = dataset;
  const n = nnz(dataset.interactions);
  const density = n / (users.size * items.size);
  const lines = [
    `Dataset ${dataset.name} (format ${dataset.format}): ${users.size} users, ${items.size} items, ${n} interactions, density ${(100 * density).toFixed(2)}%`,
    "",
    markdownTable(
      ["Step", "Users", "Items", "Interactions"],
      dataset.steps.map((s) => [s.step, s.users, s.items, s.interactions]),
    ),
    "",
    markdownTable(
      ["Split", "Interactions", "Users with any"],
      (["train", "validation", "test"] as const).map((part) => {
        const m = split[part];
        let withAny = 0;
        for (let u = 0; u < m.numUsers; u++) if (m.indptr[u + 1]! > m.indptr[u]!) withAny++;
        return [part, nnz(m), withAny];
      }),
    ),
  ];
  if (dataset.repeats) {
    const seen = repeatTargets(split);
    lines.push(
      "",
      `Repeats kept: ${seen.repeats} of ${seen.targets} test items (${((100 * seen.repeats) / Math.max(1, seen.targets)).toFixed(1)}%) are already in the user's train + validation history; with seen items masked they cannot be hit.`,
    );
  }
  if (dataset.warnings?.length) lines.push("", ...dataset.warnings.map((w) => `Warning: ${w}`));
  if (dataset.skipped.total > 0) {
    lines.push(
      "",
      `Skipped ${dataset.skipped.total} rows:`,
      markdownTable(
        ["Reason", "Rows"],
        Object.entries(dataset.skipped.byReason).map(([reason, count]) => [reason, count]),
      ),
      ...dataset.skipped.examples.map((e) => `  e.g. ${e}`),
    );
  }
  return lines.join("\n");
}

/** Test items that already occur in the same user's train or validation rows. */
function repeatTargets(split: Split): { repeats: number; targets: number } {
  let repeats = 0;
  let targets = 0;
  const { train, validation, test } = split;
  for (let u = 0; u < test.numUsers; u++) {
    const seen = new Set([
      ...train.items.subarray(train.indptr[u]!, train.indptr[u + 1]!),
      ...validation.items.subarray(validation.indptr[u]!, validation.indptr[u + 1]!),
    ]);
    for (let p = test.indptr[u]!; p < test.indptr[u + 1]!; p++) {
      targets++;
      if (seen.has(test.items[p]!)) repeats++;
    }
  }
  return { repeats, targets };
}
