import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { TandemConfig } from "@tandem/core";
import { compareStreamIds } from "@tandem/store";
import { type DataSnapshot, readSnapshot } from "./data-snapshot.js";

/** Where a version's data snapshot lives: `<runsDir>/<version>/data` (a volume the workers share). */
export const snapshotDirOf = (config: TandemConfig, version: string) =>
  join(config.nightly.runsDir, version, "data");

/**
 * The newest snapshot on disk (by event watermark), other than `exceptDir`: a new snapshot carries
 * its events forward. Read from the runs folder, not Redis, so it survives a Redis that lost its data.
 */
export function newestSnapshot(config: TandemConfig, exceptDir?: string): DataSnapshot | null {
  const runs = config.nightly.runsDir;
  if (!existsSync(runs)) return null;
  let best: DataSnapshot | null = null;
  for (const entry of readdirSync(runs, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(runs, entry.name, "data");
    if (exceptDir !== undefined && resolve(dir) === resolve(exceptDir)) continue;
    const snapshot = readSnapshot(dir);
    if (snapshot && (!best || compareStreamIds(snapshot.eventWatermark, best.eventWatermark) > 0))
      best = snapshot;
  }
  return best;
}
