import { writeFileSync } from "node:fs";
import { InvalidArgumentError, markdownTable } from "@tandem/core";
import { loadDataset } from "@tandem/data";
import { type ProtocolResult, runProtocol, type SearchReport } from "@tandem/eval";
import { parseFlags, parseInteger } from "../args.js";
import { configFromCli, dataFlags, dataHelp, stderrLog } from "../common-flags.js";
import { datasetReport } from "../dataset-report.js";
import { type EvalSummary, pValue, resultForJson, summarise, withCi } from "../eval-summary.js";
import { lazyEncoder, pickModels } from "../models.js";
import { describeProtocol, evaluationInputs } from "../split-for.js";

export const evalHelp = `tandem eval [options]   evaluate models under a published protocol, with 95% CIs
  --protocol <p>         loo | ratio | temporal (default loo)
  --model <a,b,...>      models to evaluate (default pop,itemknn)
  --tie-order <o>        leave-one-out order of same-second events: item-id (default) | file | random:<seed>
  --item-tags <t>        user tags in item text: before-cut (default) | none | all (leaks the future)
  --seen-items <s>       items in the user's history: mask (default) | allow (repeats); with
                         --keep-repeats both are reported
  --seeds <n>            refit every model with seeds seed..seed+n-1 and report mean ± sd (default 1)
  --compare <a,b>        paired test of model a against b on the same users (repeatable)
  --bootstrap <n>        bootstrap resamples (default config eval.bootstrap = 2000, at least 1000)
  --json <file>          also write the statistics, metrics, CIs and per-user metric vectors as JSON
${dataHelp}`;

export async function evalCommand(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, {
    ...dataFlags,
    protocol: { type: "string" },
    model: { type: "string" },
    "tie-order": { type: "string" },
    "item-tags": { type: "string" },
    "seen-items": { type: "string" },
    seeds: { type: "string" },
    compare: { type: "string", multiple: true },
    bootstrap: { type: "string" },
    json: { type: "string" },
  });
  const config = configFromCli(flags, {
    eval: {
      ...(flags.protocol !== undefined && { protocol: flags.protocol as never }),
      ...(flags["tie-order"] !== undefined && { tieOrder: flags["tie-order"] }),
      ...(flags["item-tags"] !== undefined && { itemTags: flags["item-tags"] as never }),
      ...(flags["seen-items"] !== undefined && { seenItems: flags["seen-items"] as never }),
      ...(flags.bootstrap !== undefined && { bootstrap: parseInteger(flags.bootstrap, "--bootstrap") }),
    },
  });
  const compare = (flags.compare ?? []).map((pair) => {
    const names = pair.split(",").map((s) => s.trim());
    if (names.length !== 2 || names[0] === names[1])
      throw new InvalidArgumentError(`--compare expects two different models "a,b", got "${pair}"`);
    return names as [string, string];
  });
  const names = [...(flags.model ?? "pop,itemknn").split(",").map((s) => s.trim())];
  for (const name of compare.flat()) if (!names.includes(name)) names.push(name);
  // One encoder for every model, disposed at the end: its worker threads must not outlive the command.
  const shared = lazyEncoder(config);
  let encoderUsed = false;
  const models = pickModels(config, names, () => {
    encoderUsed = true;
    return shared();
  });
  const seedCount = parseInteger(flags.seeds, "--seeds") ?? 1;
  if (seedCount < 1) throw new InvalidArgumentError(`--seeds must be at least 1, got ${seedCount}`);
  const seeds = Array.from({ length: seedCount }, (_, i) => config.eval.seed + i);
  const log = stderrLog(flags.quiet);

  log(`loading ${config.data.dir} ...`);
  const { split, dataset } = evaluationInputs(await loadDataset(config.data.dir, config.data), config);
  process.stdout.write(`${datasetReport(dataset, split)}\n\n`);

  const description = describeProtocol(config, split, dataset);
  const datasetJson = {
    name: dataset.name,
    format: dataset.format,
    users: dataset.users.size,
    items: dataset.items.size,
    steps: dataset.steps,
    skipped: dataset.skipped,
  };
  const protocolJson = { ...config.eval, seeds, description };
  const bootstrap = { resamples: config.eval.bootstrap, seed: config.eval.seed, ks: config.eval.ks };
  // Rewritten after every model (complete: false until the end), so a crash keeps every finished row.
  const writeJson = (runs: readonly ProtocolResult[][], summary: EvalSummary | null) => {
    if (!flags.json) return;
    const json = {
      dataset: datasetJson,
      protocol: protocolJson,
      complete: summary !== null,
      ...(summary && { summary }),
      results: runs[0]!.map((r) => resultForJson(r, true)),
      ...(runs.length > 1 && {
        otherSeeds: runs.slice(1).map((run) => run.map((r) => resultForJson(r, false))),
      }),
    };
    writeFileSync(flags.json, `${JSON.stringify(json)}\n`);
  };

  const runs: ProtocolResult[][] = [];
  process.stdout.write(`Protocol: ${description}\n\nAs each model finishes (test metrics, 95% CI):\n`);
  for (const seed of seeds) {
    const results: ProtocolResult[] = [];
    runs.push(results);
    for (const [name, factory] of models) {
      log(`${name} (seed ${seed}): starting`);
      const started = performance.now();
      const result = await runProtocol(factory, dataset, split, {
        ks: config.eval.ks,
        seed,
        progress: !flags.quiet,
        seenItems: config.eval.seenItems,
        bothSeenItems: config.data.keepRepeats,
        onStage: (stage) => log(`${name} (seed ${seed}): ${stage} ...`),
      });
      results.push(result);
      const one = summarise([[result]], [seed], [], bootstrap).models[0]!;
      process.stdout.write(
        `${finishedLine(result, one, config.eval.ks, seed, performance.now() - started)}\n`,
      );
      writeJson(runs, null);
    }
  }
  const summary = summarise(runs, seeds, compare, bootstrap);
  process.stdout.write(`\n${resultsReport(runs[0]!, config.eval.ks, summary)}\n\nProtocol: ${description}\n`);
  writeJson(runs, summary);
  if (flags.json) log(`wrote ${flags.json}`);
  if (encoderUsed) await (await shared()).dispose?.();
}

/** One line as a model finishes: its headline metrics with CIs and where the time went. */
function finishedLine(
  r: ProtocolResult,
  summary: EvalSummary["models"][number],
  ks: readonly number[],
  seed: number,
  ms: number,
): string {
  const metrics = [...ks]
    .sort((a, b) => a - b)
    .flatMap((k) => [
      `Recall@${k} ${withCi(summary.ci[`recall@${k}`])}`,
      `NDCG@${k} ${withCi(summary.ci[`ndcg@${k}`])}`,
    ]);
  const time = `fit ${r.fit.seconds.toFixed(1)}s + refit ${r.refit.seconds.toFixed(1)}s, scoring ${(r.scoring.validation + r.scoring.test).toFixed(1)}s (total ${(ms / 1000).toFixed(1)}s)`;
  const cap = r.fit.details?.["epoch cap"] ? `; epoch cap ${r.fit.details["epoch cap"]}` : "";
  const other = r.testOtherSeen
    ? `; with seen items ${r.testOtherSeen.seenItems === "allow" ? "allowed" : "masked"}: ${[...ks]
        .sort((a, b) => a - b)
        .flatMap((k) => [
          `Recall@${k} ${r.testOtherSeen!.result.metrics[`recall@${k}`]!.toFixed(4)}`,
          `NDCG@${k} ${r.testOtherSeen!.result.metrics[`ndcg@${k}`]!.toFixed(4)}`,
        ])
        .join(", ")}`
    : "";
  return `- ${r.model} (seed ${seed}): ${metrics.join("; ")}${other}; ${time}${cap}`;
}

/** Headline table (Recall/NDCG at each K with 95% CIs), seeds, paired tests, every metric, tuning. */
export function resultsReport(
  results: readonly ProtocolResult[],
  ks: readonly number[],
  summary: EvalSummary = summarise([[...results]], [], [], { resamples: 2000, seed: 42, ks }),
): string {
  const sorted = [...ks].sort((a, b) => a - b);
  const last = sorted[sorted.length - 1]!;
  const ciOf = (model: string) => summary.models.find((m) => m.model === model)!;
  const headline = markdownTable(
    [
      "Model",
      ...sorted.flatMap((k) => [`Recall@${k} [95% CI]`, `NDCG@${k} [95% CI]`]),
      `Coverage@${last}`,
      `AvgPop@${last}`,
      "Fit s",
      "Score s",
    ],
    results.map((r) => [
      r.model,
      ...sorted.flatMap((k) => [
        withCi(ciOf(r.model).ci[`recall@${k}`]),
        withCi(ciOf(r.model).ci[`ndcg@${k}`]),
      ]),
      r.test.metrics[`coverage@${last}`]!,
      r.test.metrics[`avgpop@${last}`]!,
      r.refit.seconds,
      // Results read back from older JSON have no scoring time.
      r.scoring?.test ?? "",
    ]),
  );
  const detail = markdownTable(
    ["Model", "K", "Recall", "NDCG", "HitRate", "Precision", "MRR", "MAP", "Coverage", "AvgPop", "Val NDCG"],
    results.flatMap((r) =>
      sorted.map((k) => [
        r.model,
        k,
        ...["recall", "ndcg", "hit", "precision", "mrr", "map", "coverage", "avgpop"].map(
          (m) => r.test.metrics[`${m}@${k}`]!,
        ),
        r.validation.metrics[`ndcg@${k}`]!,
      ]),
    ),
  );
  const out = [
    `Test metrics (${results[0]?.test.users ?? 0} users; 95% percentile bootstrap over users, ${summary.resamples} resamples, seed ${summary.seed}):`,
    headline,
  ];
  const spread = summary.models.filter((m) => m.seeds);
  if (spread.length > 0) {
    const keys = sorted.flatMap((k) => [`recall@${k}`, `ndcg@${k}`]);
    out.push(
      "",
      `Over seeds ${spread[0]!.seeds!.seeds.join(", ")} (every model refit per seed; mean ± sd of the test metric):`,
      markdownTable(
        ["Model", ...keys],
        spread.map((m) => [
          m.model,
          ...keys.map((k) => `${m.seeds!.mean[k]!.toFixed(4)} ± ${m.seeds!.sd[k]!.toFixed(4)}`),
        ]),
      ),
    );
  }
  if (summary.comparisons.length > 0) {
    out.push(
      "",
      "Paired tests on the same users (difference a − b, 95% paired-bootstrap CI, two-sided sign-flip randomisation p):",
      markdownTable(
        ["a", "b", "Metric", "Difference [95% CI]", "p", "Users"],
        summary.comparisons.map((c) => [
          c.a,
          c.b,
          c.metric,
          `${c.difference >= 0 ? "+" : ""}${c.difference.toFixed(4)} [${c.lo.toFixed(4)}, ${c.hi.toFixed(4)}]`,
          pValue(c.p),
          c.users,
        ]),
      ),
    );
  }
  out.push(
    "",
    "All metrics:",
    detail,
    "",
    "Tuning (searched on validation → chosen → used by the test model):",
  );
  out.push(...results.map(tuningLine));
  return out.join("\n");
}

/** What a model searched, what validation chose, what the refit used, and fixed settings. */
export function tuningLine(r: Pick<ProtocolResult, "model" | "fit" | "refit">): string {
  const curve = r.fit.curve ?? [];
  const own = curve.filter((p) => p.metric === "ndcg@10").map((p) => p.step);
  // Tandem reports its inner MF's early-stopping curve (on each user's latest history item) as "mf …".
  const mf = curve.filter((p) => p.metric === "mf ndcg@10").map((p) => p.step);
  const searched = r.fit.search
    ? searchPhrase(r.fit.search)
    : own.length > 0
      ? `searched ${own.join(", ")} (by validation NDCG@10)`
      : mf.length > 0
        ? `MF epochs searched ${mf.join(", ")} (by NDCG@10 of each user's latest history item)`
        : "nothing searched";
  const chosen = r.fit.tuned ? JSON.stringify(r.fit.tuned) : "-";
  const used = r.refit.tuned ? JSON.stringify(r.refit.tuned) : "-";
  const fixed = Object.entries(r.fit.details ?? {}).map(([k, v]) => `; ${k}: ${v}`);
  return `- ${r.model}: ${searched}; chosen ${chosen}; test model used ${used}${fixed.join("")}`;
}

/** "searched 12 of 90 points of factors 32|64|128, reg …": the space, the budget's verdict, the scores. */
function searchPhrase(s: SearchReport): string {
  const space = Object.entries(s.space)
    .map(([k, v]) => `${k} ${v.join("|")}`)
    .join(", ");
  const points = Object.values(s.space).reduce((n, v) => n * v.length, 1);
  const spent = s.trials.reduce((t, x) => t + x.seconds, 0);
  const best = Math.max(...s.trials.map((t) => t.validation));
  return `searched ${s.trials.length} of ${points} points of ${space} (seed ${s.seed}, by validation NDCG@10; ended by ${s.stoppedBy}, budget ${s.budget.trials} trials / ${s.budget.seconds} s, ${spent.toFixed(0)} s spent): defaults ${s.trials[0]!.validation.toFixed(4)} → best ${best.toFixed(4)}`;
}
