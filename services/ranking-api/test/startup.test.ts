import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startupConfig } from "../src/startup-config.js";

const main = join(dirname(fileURLToPath(import.meta.url)), "../src/main.ts");

/** Starts the API process exactly as the infra files do; it must refuse to start. */
const start = (env: Record<string, string>) =>
  spawnSync(process.execPath, ["--import", "tsx", main], {
    env: { PATH: process.env["PATH"] ?? "", TANDEM_API_PORT: "0", ...env },
    encoding: "utf8",
    timeout: 30_000,
  });

describe("ranking API start-up", () => {
  it("refuses a placeholder key with CONFIG_INVALID before it listens", () => {
    const r = start({ TANDEM_API_ADMIN_KEYS: "change-me-to-a-long-random-key" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/CONFIG_INVALID: .*api\.adminKeys.*placeholder/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  }, 40_000);

  it("refuses the old single key list instead of silently ignoring it", () => {
    expect(() => startupConfig({ TANDEM_API_API_KEYS: "9d2e4f6a8c0b1d3e5f7a9c1e" })).toThrow(
      /TANDEM_API_API_KEYS is no longer read/,
    );
    expect(startupConfig({ TANDEM_API_WRITE_KEYS: "9d2e4f6a8c0b1d3e5f7a9c1e" }).api.writeKeys).toHaveLength(
      1,
    );
  });
});
