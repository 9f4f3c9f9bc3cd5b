import { ConfigError } from "@tandem/core";
import type { Dataset } from "@tandem/data";
import { runNightly, runQueuedNightly } from "@tandem/nightly";
import { PipelineQueues } from "@tandem/pipeline";
import { createFeatureStore, redisTargetFrom } from "@tandem/store";
import { parseFlags } from "../args.js";
import { configFromCli, dataFlags, dataHelp, stderrLog } from "../common-flags.js";
import { lazyEncoder, pickModels } from "../models.js";
import { resultsReport } from "./eval.js";

export const nightlyHelp = `tandem nightly [options]   train, evaluate, precompute and publish a version (with a quality gate)
  --run-id <id>          resume this run (finished steps are skipped); default: a new id from the clock
  --compare <a,b,...>    baselines evaluated next to Tandem for the report (default: config nightly.compare)
  --workers              (needs Redis) evaluate and gate here, then let the worker processes train, embed,
                         precompute and publish through the BullMQ flow; waits until they have published
  Store: Redis when REDIS_URL (or TANDEM_STORE_REDIS_URL) is set, else the embedded in-memory store.
${dataHelp}`;

export async function nightlyCommand(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, {
    ...dataFlags,
    "run-id": { type: "string" },
    compare: { type: "string" },
    workers: { type: "boolean" },
  });
  const config = configFromCli(
    flags,
    flags.compare !== undefined ? { nightly: { compare: flags.compare.split(",").filter(Boolean) } } : {},
  );
  const log = stderrLog(flags.quiet);
  const store = createFeatureStore(config);
  const encoder = lazyEncoder(config);
  const url = redisTargetFrom(config);
  if (flags.workers && url === null)
    throw new ConfigError("--workers needs Redis: set REDIS_URL or TANDEM_STORE_REDIS_URL");
  // With Redis the queues are also where erased users' job records are removed after the run.
  const queues =
    url !== null ? new PipelineQueues({ connection: url, namespace: config.store.namespace }) : null;
  try {
    log(`feature store: ${store.backend}`);
    const result = await runNightly({
      config,
      store,
      ...(flags["run-id"] !== undefined && { runId: flags["run-id"] }),
      baselines: Object.fromEntries(pickModels(config, config.nightly.compare, encoder)),
      encoder: await encoder(),
      ...(queues && { purgeJobs: (erased: ReadonlySet<string>) => queues.purgeUsers(erased) }),
      ...(queues &&
        flags.workers && {
          queued: async (version: string, dataset: Dataset, metadata: Record<string, unknown>) =>
            runQueuedNightly(config, store, queues, dataset, (await encoder()).dim, version, metadata, log),
        }),
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
    await encoder.dispose();
    await queues?.close();
    await store.close();
  }
}
