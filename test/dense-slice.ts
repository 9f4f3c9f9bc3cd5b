import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, type TandemConfigInput } from "@tandem/core";

/**
 * The end-to-end tests' data: the dense 50-core slice of ml-latest-small (207 users, 302 items), so a
 * whole nightly runs in seconds with the real encoder, its cache in a fresh temporary folder. `extra`
 * adds config sections (e.g. the runs folder, inside the same temporary folder).
 */
export function denseSliceConfig(prefix: string, extra: (dir: string) => TandemConfigInput = () => ({})) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const config = loadConfig(
    {
      data: {
        dir: join(import.meta.dirname, "..", "data", "ml-latest-small"),
        minUserInteractions: 50,
        minItemInteractions: 50,
      },
      semantic: { cacheDir: join(dir, "cache") },
      ...extra(dir),
    },
    {},
  );
  return { dir, config };
}
