import { writeFileSync } from "node:fs";
import { loadConfig, markdownTable } from "@tandem/core";
import { loadDataset } from "@tandem/data";
import { type ProtocolResult, runProtocol } from "@tandem/eval";
import { parseFlags } from "../args.js";
import { configFromFlags, dataFlags, dataHelp, stderrLog } from "../common-flags.js";
import { datasetReport } from "../dataset-report.js";
import { pickModels } from "../models.js";
import { describeProtocol, splitFor } from "../split-for.js";

export const evalHelp = `tandem eval [options]   evaluate models under a published protocol
  --protocol <p>         loo | ratio | temporal (default loo)
  --model <a,b,...>      models to evaluate (default pop,itemknn)
  --json <file>          also write the statistics and metrics as JSON
${dataHelp}`;

export async function evalCommand(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, {
    ...dataFlags,
    protocol: { type: "string" },
    model: { type: "string" },
    json: { type: "string" },
  });
  const overrides = configFromFlags(flags);
  if (flags.protocol !== undefined) overrides.eval = { ...overrides.eval, protocol: flags.protocol as never };
  const config = loadConfig(overrides);
  const models = pickModels(
    config,
    (flags.model ?? "pop,itemknn").split(",").map((s) => s.trim()),
  );
  const log = stderrLog(flags.quiet);

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
