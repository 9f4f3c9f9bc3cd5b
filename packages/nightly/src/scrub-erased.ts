import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { TandemConfig } from "@tandem/core";
import type { FeatureStore } from "@tandem/store";

/**
 * After a run, erased users leave the places a run left them: the trained models and data snapshots
 * of earlier runs (the current snapshot already carries every event forward without them) and, via
 * `purgeJobs`, the queue's job records. The live version's artifacts stay while it is live (workers
 * serve from them); it was built before the erasure and is replaced by the next published run.
 */
export async function scrubErased(
  config: TandemConfig,
  store: FeatureStore,
  current: string,
  purgeJobs: ((erased: ReadonlySet<string>) => Promise<number>) | undefined,
  log: (line: string) => void,
): Promise<void> {
  const erased = new Set(await store.erasedUsers());
  if (erased.size === 0) return;
  const live = await store.liveVersion();
  const runs = config.nightly.runsDir;
  let cleared = 0;
  if (existsSync(runs))
    for (const entry of readdirSync(runs, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === current || entry.name === live) continue;
      for (const part of ["model", "data"]) {
        const dir = join(runs, entry.name, part);
        if (!existsSync(dir)) continue;
        rmSync(dir, { recursive: true, force: true });
        cleared++;
      }
    }
  const jobs = purgeJobs ? await purgeJobs(erased) : 0;
  log(`erasure: ${erased.size} erased users; ${cleared} old run artifacts and ${jobs} job records removed`);
}
