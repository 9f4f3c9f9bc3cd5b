import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pairedTest } from "@tandem/eval";
import { describe, expect, it } from "vitest";

const bin = join(import.meta.dirname, "..", "bin", "tandem.mjs");
const tandem = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
const dir = mkdtempSync(join(tmpdir(), "tandem-compare-"));

/** A `tandem eval --json` file with one model's per-user NDCG@10 over users 0..n-1. */
function evalFile(name: string, description: string, ndcg: number[], users = ndcg.map((_, i) => i)): string {
  const file = join(dir, `${name}.json`);
  const mean = ndcg.reduce((s, x) => s + x, 0) / ndcg.length;
  const result = {
    model: name,
    test: {
      users: users.length,
      metrics: { "ndcg@10": mean },
      userIndexes: users,
      perUser: { "ndcg@10": ndcg },
    },
  };
  writeFileSync(file, JSON.stringify({ protocol: { description }, results: [result] }));
  return file;
}

describe("tandem compare", () => {
  const a = Array.from({ length: 200 }, (_, i) => ((i * 37) % 11) / 10);
  const b = a.map((x, i) => (i % 3 === 0 ? x : Math.max(0, x - 0.2)));

  it("pairs two runs' per-user vectors on the users both judged, as pairedTest does", () => {
    const fa = evalFile("a", "loo", a);
    // b lacks user 0 and lists user 200 the first run never judged: only users 1..199 pair.
    const fb = evalFile("b", "loo", [...b.slice(1), 0.5], [...a.keys()].slice(1).concat(200));
    const r = tandem("compare", "--a", fa, "--b", `${fb}:b`);
    expect(r.status, r.stderr).toBe(0);
    const t = pairedTest(a.slice(1), b.slice(1), { resamples: 2000, seed: 42 });
    const row = r.stdout.split("\n").find((l) => l.startsWith("| ndcg@10"))!;
    expect(row).toContain(`+${t.difference.toFixed(4)} [${t.lo.toFixed(4)}, ${t.hi.toFixed(4)}]`);
    expect(row).toMatch(/\| 199 +\|$/);
    expect(t.p).toBeLessThan(0.05);
  });

  it("refuses runs from different protocols, and a model the file lacks", () => {
    const fa = evalFile("a2", "loo", a);
    const fb = evalFile("b2", "temporal", b);
    const r = tandem("compare", "--a", fa, "--b", fb);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("different protocols");
    const missing = tandem("compare", "--a", `${fa}:tandem`, "--b", fa);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('for model "tandem"');
  });

  it("reads a nightly's evaluation.json (protocol string, per-user arrays as index-keyed objects), and refuses runs with no user in common", () => {
    const asObject = (v: number[]) => Object.fromEntries(v.map((x, i) => [String(i), x]));
    const nightly = (name: string, ndcg: number[], first: number) => {
      const file = join(dir, `${name}.json`);
      const users = ndcg.map((_, i) => first + i);
      const result = {
        model: "tandem",
        test: {
          users: users.length,
          metrics: { "ndcg@10": ndcg.reduce((s, x) => s + x, 0) / ndcg.length },
          userIndexes: asObject(users),
          perUser: { "ndcg@10": asObject(ndcg) },
        },
      };
      writeFileSync(file, JSON.stringify({ protocol: "loo", results: [result], consumedPopularity: 1 }));
      return file;
    };
    const na = nightly("na", a, 0);
    const r = tandem("compare", "--a", na, "--b", nightly("nb", b, 0));
    expect(r.status, r.stderr).toBe(0);
    const t = pairedTest(a, b, { resamples: 2000, seed: 42 });
    const row = r.stdout.split("\n").find((l) => l.startsWith("| ndcg@10"))!;
    expect(row).toContain(`+${t.difference.toFixed(4)} [${t.lo.toFixed(4)}, ${t.hi.toFixed(4)}]`);
    expect(row).toMatch(/\| 200 +\|$/);
    const disjoint = tandem("compare", "--a", na, "--b", nightly("nc", b, 1000));
    expect(disjoint.status).not.toBe(0);
    expect(disjoint.stderr).toContain("nothing to pair");
  });
});
