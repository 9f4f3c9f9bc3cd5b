import { loadConfig } from "@tandem/core";
import { loadDataset } from "@tandem/data";
import { alsRecommender } from "@tandem/recall";
import { ItemTextTemplate, runColdStartExperiment } from "@tandem/semantic";
import { parseFlags } from "../args.js";
import { configFromFlags, dataFlags, dataHelp, stderrLog } from "../common-flags.js";
import { lazyEncoder } from "../models.js";

export const coldstartHelp = `tandem coldstart [options]   cold-start experiment: MF vs text recall on items never trained on
  Removes a seeded 10% of items from training entirely and reports Recall@K / NDCG@K on the test
  interactions with those items, for MF (ALS; zero by construction) and text recall.
  --fraction <f>         share of items held out (default 0.1)
${dataHelp}`;

export async function coldstartCommand(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, { ...dataFlags, fraction: { type: "string" } });
  const config = loadConfig(configFromFlags(flags));
  const log = stderrLog(flags.quiet);
  log(`loading ${config.data.dir} ...`);
  const dataset = await loadDataset(config.data.dir, config.data);
  const lazy = lazyEncoder(config);
  const encoder = await lazy();
  const result = await runColdStartExperiment(dataset, {
    encoder,
    template: new ItemTextTemplate(config.semantic.textTemplate, config.semantic.maxChars),
    halfLifeDays: config.semantic.halfLifeDays,
    fraction: flags.fraction !== undefined ? Number(flags.fraction) : 0.1,
    seed: config.eval.seed,
    k: config.eval.ks[config.eval.ks.length - 1] ?? 20,
    collaborative: () => alsRecommender(config.recall),
    progress: !flags.quiet,
  }).finally(() => lazy.dispose());
  process.stdout.write(`${result.markdown}\n`);
}
