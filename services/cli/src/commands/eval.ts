import { writeFileSync } from "node:fs";
import { loadConfig, markdownTable, type TandemConfigInput } from "@tandem/core";
import { loadDataset } from "@tandem/data";
import { type ProtocolResult, runProtocol } from "@tandem/eval";
import { parseFlags, parseInteger, parseNumberList } from "../args.js";
import { datasetReport } from "../dataset-report.js";
import { pickModels } from "../models.js";
import { describeProtocol, splitFor } from "../split-for.js";

export const evalHelp = `tandem eval [options]
  --dataset <dir>        dataset directory (default: config data.dir = data/ml-latest-small)
  --format <f>           auto | ml-latest | ml-100k | ml-1m | generic (default auto)
  --protocol <p>         loo | ratio | temporal (default loo)
  --model <a,b,...>      models to evaluate (default pop,itemknn)
  --k <10,20>            cut-offs (default 10,20)
  --seed <n>             seed for splits and models (default 42)
  --min-user <n>         k-core threshold for users (default 5)
  --min-item <n>         k-core threshold for items (default 5)
  --threshold <r>        implicit feedback: keep ratings >= r (default: keep all)
  --skip-malformed       skip and report malformed rows instead of failing
  --json <file>          also write the statistics and metrics as JSON
  --quiet                no progress output`;

export async function evalCommand(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, {
    dataset: { type: "string" },
    format: { type: "string" },
    protocol: { type: "string" },
    model: { type: "string" },
    k: { type: "string" },
    seed: { type: "string" },
    "min-user": { type: "string" },
    "min-item": { type: "string" },
    threshold: { type: "string" },
    "skip-malformed": { type: "boolean" },
    json: { type: "string" },
    quiet: { type: "boolean" },
  });
  const overrides: TandemConfigInput = {
    data: {
      ...(flags.dataset !== undefined && { dir: flags.dataset }),
      ...(flags.format !== undefined && { format: flags.format as never }),
      ...(flags["min-user"] !== undefined && {
        minUserInteractions: parseInteger(flags["min-user"], "--min-user"),
      }),
      ...(flags["min-item"] !== undefined && {
        minItemInteractions: parseInteger(flags["min-item"], "--min-item"),
      }),
      ...(flags.threshold !== undefined && {
        ratingThreshold: parseNumberList(flags.threshold, "--threshold")![0],
      }),
      ...(flags["skip-malformed"] && { skipMalformed: true }),
    },
    eval: {
      ...(flags.protocol !== undefined && { protocol: flags.protocol as never }),
      ...(flags.k !== undefined && { ks: parseNumberList(flags.k, "--k") }),
      ...(flags.seed !== undefined && { seed: parseInteger(flags.seed, "--seed") }),
    },
  };
  const config = loadConfig(overrides);
  const models = pickModels(
    config,
    (flags.model ?? "pop,itemknn").split(",").map((s) => s.trim()),
  );
  const log = (s: string) => {
    if (!flags.quiet) process.stderr.write(`${s}\n`);
  };

  log(`loading ${config.data.dir} ...`);
  const dataset = await loadDataset(config.data.dir, config.data);
  const split = splitFor(dataset, config);
  process.stdout.write(`${datasetReport(dataset, split)}\n\n`);

  const results: ProtocolResult[] = [];
  for (const [name, factory] of models) {
    log(`fitting ${name} ...`);
    const result = await runProtocol(factory, dataset, split, {
      ks: config.eval.ks,
      seed: config.eval.seed,
      progress: !flags.quiet,
    });
    results.push(result);
    log(`${name}: fit ${result.fit.seconds.toFixed(2)}s, refit ${result.refit.seconds.toFixed(2)}s`);
  }

  process.stdout.write(
    `${resultsReport(results, config.eval.ks)}\n\nProtocol: ${describeProtocol(config)}\n`,
  );
  if (flags.json) {
    const json = {
      dataset: {
        name: dataset.name,
        format: dataset.format,
        users: dataset.users.size,
        items: dataset.items.size,
        steps: dataset.steps,
        skipped: dataset.skipped,
      },
      protocol: { ...config.eval, description: describeProtocol(config) },
      results,
    };
    writeFileSync(flags.json, `${JSON.stringify(json, null, 2)}\n`);
    log(`wrote ${flags.json}`);
  }
}

/** Headline table (Recall/NDCG at each K), then every metric per K. */
export function resultsReport(results: readonly ProtocolResult[], ks: readonly number[]): string {
  const sorted = [...ks].sort((a, b) => a - b);
  const last = sorted[sorted.length - 1]!;
  const headline = markdownTable(
    [
      "Model",
      ...sorted.flatMap((k) => [`Recall@${k}`, `NDCG@${k}`]),
      `Coverage@${last}`,
      `AvgPop@${last}`,
      "Fit s",
    ],
    results.map((r) => [
      r.model,
      ...sorted.flatMap((k) => [r.test.metrics[`recall@${k}`]!, r.test.metrics[`ndcg@${k}`]!]),
      r.test.metrics[`coverage@${last}`]!,
      r.test.metrics[`avgpop@${last}`]!,
      r.refit.seconds,
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
  const tuned = results
    .filter((r) => r.fit.tuned)
    .map((r) => `${r.model}: ${JSON.stringify(r.fit.tuned)}`)
    .join("; ");
  const users = results[0]?.test.users ?? 0;
  return [
    `Test metrics (${users} users):`,
    headline,
    "",
    "All metrics:",
    detail,
    ...(tuned ? ["", `Chosen on validation: ${tuned}`] : []),
  ].join("\n");
}
