import { writeFileSync } from "node:fs";
import { markdownTable } from "@tandem/core";
import { concatUserItems, loadDataset } from "@tandem/data";
import { searchQuotas, sourceLists } from "@tandem/recall";
import { fitStages, type StageContext } from "@tandem/rerank";
import { parseFlags, parseInteger } from "../args.js";
import { BUDGETS, type BudgetRow, budgetRows, configuredQuotas, quotaVerdict } from "../candidate-report.js";
import { configFromCli, dataFlags, dataHelp, stderrLog } from "../common-flags.js";
import { withCi } from "../eval-summary.js";
import { lazyEncoder } from "../models.js";
import { describeProtocol, evaluationInputs } from "../split-for.js";

export const candidatesHelp = `tandem candidates [options]   candidate budget: Recall@100/200/500 of the held-out item per source and merged
  Fits Tandem's recall stage (MF early-stopped on validation; the refit on train + validation for test)
  and reports, on validation and on test with 95% CIs, the share of users whose held-out item is among
  each source's top K and the merged set's K candidates (configured quotas scaled to K). Then chooses
  the quota split of --total candidates on validation and tests it against the configured one, paired,
  on validation and test users.
  --protocol <p>         loo | ratio | temporal (default loo)
  --total <n>            candidates the quota search splits (default: the configured quotas' sum)
  --json <file>          also write the tables and the quota verdict as JSON
${dataHelp}`;

export async function candidatesCommand(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, {
    ...dataFlags,
    protocol: { type: "string" },
    total: { type: "string" },
    json: { type: "string" },
  });
  const config = configFromCli(flags, {
    eval: { ...(flags.protocol !== undefined && { protocol: flags.protocol as never }) },
  });
  const log = stderrLog(flags.quiet);
  log(`loading ${config.data.dir} ...`);
  const { split, dataset } = evaluationInputs(await loadDataset(config.data.dir, config.data), config);
  const encoder = lazyEncoder(config);
  const ctx: StageContext = { config, dataset, seed: config.eval.seed, encoder, progress: !flags.quiet };
  const depth = Math.max(...BUDGETS);
  log("fitting the recall stage on train (MF early-stopped on validation) ...");
  const tuning = await fitStages(split.train, ctx, { validation: split.validation });
  const validation = sourceLists(tuning.recall.sources, split.train, split.validation, depth);
  log(`refitting on train + validation (MF ${tuning.mfEpochs} epochs) ...`);
  const history = concatUserItems(split.train, split.validation);
  const final = await fitStages(history, ctx, { epochs: tuning.mfEpochs });
  const test = sourceLists(final.recall.sources, history, split.test, depth);
  await encoder.dispose();

  const options = { resamples: config.eval.bootstrap, seed: config.eval.seed };
  const shares = configuredQuotas(config, validation.names);
  const total = parseInteger(flags.total, "--total") ?? shares.reduce((a, b) => a + b, 0);
  const choice = searchQuotas(validation, total, shares, config.eval.seed);
  const verdict = quotaVerdict(choice, validation, test, options);
  const rows = {
    validation: budgetRows(validation, shares, options),
    test: budgetRows(test, shares, options),
  };
  const chosenRows = budgetRows(test, choice.shares, options).slice(-1);

  const table = (list: readonly BudgetRow[]) =>
    markdownTable(
      ["Candidates", ...BUDGETS.map((k) => `Recall@${k} [95% CI]`), ...BUDGETS.map((k) => `Size@${k}`)],
      list.map((r) => [
        r.candidates,
        ...BUDGETS.map((k) => withCi(r.recall[k])),
        ...BUDGETS.map((k) => (r.size ? r.size[k]!.toFixed(1) : "")),
      ]),
    );
  const diff = (t: typeof verdict.test) =>
    `${t.difference >= 0 ? "+" : ""}${t.difference.toFixed(4)} [${t.lo.toFixed(4)}, ${t.hi.toFixed(4)}], p ${t.p < 0.001 ? "<0.001" : t.p.toFixed(3)}`;
  const names = validation.names.join(":");
  process.stdout.write(
    [
      `Protocol: ${describeProtocol(config, split, dataset)}`,
      "",
      `Validation (${validation.users.length} users; stages fitted on train):`,
      table(rows.validation),
      "",
      `Test (${test.users.length} users; stages refit on train + validation):`,
      table([...rows.test, ...chosenRows]),
      "",
      `Quota search (${names}) of ${total} candidates on validation, ${choice.tried} splits: configured ${choice.defaults.quotas.join(":")} → recall ${choice.defaults.recall.toFixed(4)}; chosen ${choice.quotas.join(":")} → ${choice.recall.toFixed(4)}.`,
      `Chosen − configured, paired: validation ${diff(verdict.validation)}; test ${diff(verdict.test)} (mean size ${verdict.testChosen.meanSize.toFixed(1)} vs ${verdict.testDefaults.meanSize.toFixed(1)}).`,
      "",
    ].join("\n"),
  );
  if (flags.json) {
    const json = {
      protocol: describeProtocol(config, split, dataset),
      names: validation.names,
      rows,
      chosenRows,
      verdict: { ...verdict, testChosen: undefined, testDefaults: undefined },
    };
    writeFileSync(flags.json, `${JSON.stringify(json)}\n`);
  }
}

export const candidates = { run: candidatesCommand, help: candidatesHelp };
