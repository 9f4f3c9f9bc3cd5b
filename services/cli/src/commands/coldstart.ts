import { writeFileSync } from "node:fs";
import { InvalidArgumentError } from "@tandem/core";
import { loadDataset, withItemTags } from "@tandem/data";
import { alsRecommender } from "@tandem/recall";
import { ItemTextTemplate, runColdStartExperiment } from "@tandem/semantic";
import { parseFlags } from "../args.js";
import { configFromCli, dataFlags, dataHelp, stderrLog } from "../common-flags.js";
import { lazyEncoder } from "../models.js";

export const coldstartHelp = `tandem coldstart [options]   cold-start experiment: MF vs text recall on items never trained on
  Removes a seeded 10% of items from training entirely and reports Recall@K / NDCG@K on the test
  interactions with those items, for MF (ALS; zero by construction), zero-shot text recall and the
  learned text→MF ridge projection (text only; hybrid raw and calibrated), with paired tests.
  --fraction <f>         share of items held out (default 0.1)
  --item-tags <t>        user tags in item text: none (default; the test interactions span the whole log,
                         so no tag precedes them all) | all (leaks tags written on test items)
  --json <file>          also write the result as JSON
${dataHelp}`;

export async function coldstartCommand(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, {
    ...dataFlags,
    fraction: { type: "string" },
    "item-tags": { type: "string" },
    json: { type: "string" },
  });
  const config = configFromCli(flags);
  const tags = flags["item-tags"] ?? "none";
  if (tags !== "none" && tags !== "all")
    throw new InvalidArgumentError(`--item-tags for coldstart is none or all, got "${tags}"`);
  const log = stderrLog(flags.quiet);
  log(`loading ${config.data.dir} ...`);
  const loaded = await loadDataset(config.data.dir, config.data);
  const dataset = { ...loaded, itemInfo: withItemTags(loaded.itemInfo, loaded.tags ?? [], tags) };
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
  process.stdout.write(`${result.markdown}\nItem text: ${tags === "all" ? "all" : "no"} user tags.\n`);
  if (flags.json) {
    writeFileSync(flags.json, `${JSON.stringify({ itemTags: tags, ...result }, null, 2)}\n`);
    log(`wrote ${flags.json}`);
  }
}
