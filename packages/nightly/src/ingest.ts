import { basename, resolve } from "node:path";
import type { TandemConfig } from "@tandem/core";
import { type Dataset, detectReader, filterLog, prepareDataset } from "@tandem/data";

/**
 * Reads the configured dataset with the erased users' rows removed before any filtering, so privacy
 * erasure holds for every later step (k-core, training, candidates).
 */
export async function ingest(config: TandemConfig, erased: ReadonlySet<string>): Promise<Dataset> {
  const dir = config.data.dir;
  const raw = await detectReader(dir, config.data.format).read(dir, {
    skipMalformed: config.data.skipMalformed,
  });
  const log =
    erased.size > 0 ? filterLog(raw.log, (i) => !erased.has(raw.log.users.id(raw.log.user[i]!))) : raw.log;
  if (erased.size > 0) {
    raw.skipped.byReason["erased user"] = raw.log.length - log.length;
    raw.skipped.total += raw.log.length - log.length;
  }
  return prepareDataset({ ...raw, log }, basename(resolve(dir)), config.data);
}
