import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { weightedLog } from "./fixtures.js";

const bin = join(import.meta.dirname, "..", "bin", "tandem.mjs");
const tandem = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, ...env } });

describe("config flags", () => {
  it("--help lists every config key with its default", () => {
    const r = tandem({}, "eval", "--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("--set <path=value>");
    expect(r.stdout).toMatch(/recall\.als\.alpha=0\.5 +Confidence scale/);
    expect(r.stdout).toMatch(/recall\.bpr\.maxEpochs=60 /);
    expect(r.stdout).toMatch(/eval\.ratio=\[0\.8,0\.1,0\.1\] /);
  });

  it("layers defaults < --config file < environment < --set < named flags", () => {
    const dir = weightedLog(60);
    const file = join(dir, "config.json");
    writeFileSync(
      file,
      JSON.stringify({ eval: { protocol: "ratio", splitSeed: 9, ratio: [0.5, 0.25, 0.25] } }),
    );
    const run = (env: Record<string, string>, ...flags: string[]) => {
      const r = tandem(
        env,
        "eval",
        "--dataset",
        dir,
        "--model",
        "pop",
        "--config",
        file,
        "--quiet",
        ...flags,
      );
      expect(r.stderr).toBe("");
      return r.stdout.match(/Protocol: (.*)/)![1];
    };
    expect(run({})).toContain("ratio split 0.5/0.25/0.25 (seed 9)");
    expect(run({ TANDEM_EVAL_SPLIT_SEED: "10" })).toContain("(seed 10)");
    expect(run({ TANDEM_EVAL_SPLIT_SEED: "10" }, "--set", "eval.splitSeed=11")).toContain("(seed 11)");
    expect(
      run({ TANDEM_EVAL_RATIO: "0.6,0.2,0.2" }, "--ratio", "0.7,0.2,0.1", "--split-seed", "12"),
    ).toContain("ratio split 0.7/0.2/0.1 (seed 12)");
  }, 120_000);

  it("names an unknown --set key and a bad --config file with typed errors", () => {
    expect(tandem({}, "eval", "--set", "recall.als.alpa=3").stderr).toMatch(
      /CONFIG_INVALID.*unknown config key "recall.als.alpa"/,
    );
    const r = tandem({}, "eval", "--config", "/nonexistent.json");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/CONFIG_INVALID.*--config \/nonexistent.json/);
  });
});
