import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const bin = join(import.meta.dirname, "..", "bin", "tandem.mjs");
const tandem = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });

describe("tandem synth", () => {
  it("writes a dataset that tandem eval reads, and exits", () => {
    const out = join(mkdtempSync(join(tmpdir(), "tandem-synth-cli-")), "set");
    const r = tandem("synth", "--shape", "120x90x3000", "--out", out, "--seed", "5", "--quiet");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("120 users, 90 items, 3000 interactions");
    expect(JSON.parse(readFileSync(join(out, "synth.json"), "utf8"))).toMatchObject({
      seed: 5,
      interactions: 3000,
    });
    const e = tandem("eval", "--dataset", out, "--model", "pop", "--k", "10", "--quiet");
    expect(e.status).toBe(0);
    expect(e.stdout).toContain("120 users, 90 items");
  });

  it("rejects a malformed shape with a typed error and exit code 2", () => {
    const r = tandem("synth", "--shape", "12x", "--out", tmpdir());
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/error \[INVALID_ARGUMENT\] --shape expects/);
  });
});
