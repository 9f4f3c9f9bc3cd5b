import { runNightly } from "@tandem/nightly";
import { StoreRankingEngine } from "@tandem/serving";
import { MemoryFeatureStore } from "@tandem/store";
import { parseFlags, parseInteger } from "../args.js";
import { configFromCli, dataFlags, dataHelp, stderrLog } from "../common-flags.js";
import { explainInWords, itemTitle } from "../explain-phrase.js";
import { lazyEncoder, pickModels } from "../models.js";
import { resultsReport } from "./eval.js";

const DEMO_BASELINES = ["pop", "itemknn", "mf-als", "semantic"];

export const demoHelp = `tandem demo [options]   the whole product on bundled data, embedded (no services needed)
  Trains, embeds, evaluates (Popularity, ItemKNN, MF, semantic, Tandem), publishes into the in-memory
  feature store, and shows three users' recommendations served from it, with explanations.
  --users <n>            how many users to show (default 3)
${dataHelp}`;

export async function demoCommand(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, { ...dataFlags, users: { type: "string" } });
  const config = configFromCli(flags);
  const log = stderrLog(flags.quiet);
  const store = new MemoryFeatureStore();
  const encoder = lazyEncoder(config);
  const result = await runNightly({
    config,
    store,
    baselines: Object.fromEntries(pickModels(config, DEMO_BASELINES, encoder)),
    encoder: await encoder(),
    progress: !flags.quiet,
    log,
  }).finally(() => encoder.dispose());
  const out = (s = "") => process.stdout.write(`${s}\n`);
  out(
    `Tandem demo on ${result.dataset.name}: ${result.dataset.users.size} users, ${result.dataset.items.size} items`,
  );
  out();
  out(resultsReport(result.evaluation.results, config.eval.ks));
  out();
  out(`Protocol: ${result.evaluation.protocol}.`);
  out(`Published version ${result.version} into the embedded feature store (${result.gate.reason}).`);
  out();

  // Served exactly as the ranking API serves: precomputed candidates, fusion scoring, explanations.
  const engine = new StoreRankingEngine({ store, timeoutMs: 5_000, scheduleUpdates: async () => {} });
  const { dataset } = result;
  const stage = result.stage!; // an in-process run always holds its trained stages
  const count = parseInteger(flags.users as string | undefined, "--users") ?? 3;
  const users = [0, Math.floor(dataset.users.size / 2), dataset.users.size - 1].slice(0, count);
  for (const u of users) {
    const userId = dataset.users.id(u);
    const history = stage.history.items.subarray(stage.history.indptr[u]!, stage.history.indptr[u + 1]!);
    const recent = [...history.subarray(Math.max(0, history.length - 3))].map((i) => itemTitle(dataset, i));
    out(`User ${userId} (${history.length} movies; recently: ${recent.join("; ")})`);
    const response = await engine.recommend({ userId, k: 5, explain: true });
    response.items.forEach((item, rank) => {
      const i = dataset.items.index(item.itemId);
      out(
        `  ${rank + 1}. ${itemTitle(dataset, i)} — ${explainInWords(dataset, stage, u, item)} [${item.sources.join(", ")}]`,
      );
    });
    out();
  }
  out(`Report: ${result.reportPath}`);
  out(`Timings: ${result.timings.map((t) => `${t.step} ${t.seconds.toFixed(1)}s`).join(", ")}`);
  await store.close();
}
