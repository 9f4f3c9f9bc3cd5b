import { loadConfig } from "@tandem/core";
import { runNightly } from "@tandem/nightly";
import { createFeatureStore } from "@tandem/store";
import { parseFlags } from "../args.js";
import { configFromFlags, dataFlags, dataHelp, stderrLog } from "../common-flags.js";
import { lazyEncoder, pickModels } from "../models.js";
import { resultsReport } from "./eval.js";

export const nightlyHelp = `tandem nightly [options]   train, evaluate, precompute and publish a version (with a quality gate)
  --run-id <id>          resume this run (finished steps are skipped); default: a new id from the clock
  --compare <a,b,...>    baselines evaluated next to Tandem for the report (default: config nightly.compare)
  Store: Redis when REDIS_URL (or TANDEM_STORE_REDIS_URL) is set, else the embedded in-memory store.
${dataHelp}`;

export async function nightlyCommand(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, { ...dataFlags, "run-id": { type: "string" }, compare: { type: "string" } });
  const overrides = configFromFlags(flags);
  if (flags.compare !== undefined) overrides.nightly = { compare: flags.compare.split(",").filter(Boolean) };
  const config = loadConfig(overrides);
  const log = stderrLog(flags.quiet);
  const store = createFeatureStore(config);
  const encoder = lazyEncoder(config);
  try {
    log(`feature store: ${store.backend}`);
    const result = await runNightly({
      config,
      store,
      ...(flags["run-id"] !== undefined && { runId: flags["run-id"] }),
      baselines: Object.fromEntries(pickModels(config, config.nightly.compare, encoder)),
      encoder: await encoder(),
      progress: !flags.quiet,
      log,
    });
    process.stdout.write(`${resultsReport(result.evaluation.results, config.eval.ks)}\n\n`);
    process.stdout.write(`Protocol: ${result.evaluation.protocol}\n`);
    process.stdout.write(`Gate: ${result.gate.reason}\n`);
    process.stdout.write(
      `${result.published ? `Published version ${result.version}` : "Nothing published"}\n`,
    );
    process.stdout.write(
      `Embeddings: ${result.encoder.misses} texts encoded, ${result.encoder.hits} from the cache\n`,
    );
    process.stdout.write(
      `Timings: ${result.timings.map((t) => `${t.step} ${t.seconds.toFixed(1)}s`).join(", ")}\n`,
    );
    process.stdout.write(`Report: ${result.reportPath}\n`);
  } finally {
    await store.close();
  }
}
