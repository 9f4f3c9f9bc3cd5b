import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ArtifactError } from "@tandem/core";
import { topK } from "@tandem/eval";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alsRecommender, loadModel, type MfModel, saveModel } from "../src/index.js";
import { datasetOf, syntheticData, testConfig } from "./fixtures.js";

const data = syntheticData();
const dataset = datasetOf(data);
let model: MfModel;
const root = mkdtempSync(join(tmpdir(), "tandem-mf-"));
let n = 0;
const freshDir = () => {
  const dir = join(root, `m${n++}`);
  saveModel(dir, model);
  return dir;
};

beforeAll(async () => {
  const rec = alsRecommender(testConfig({ als: { factors: 8, cgSteps: 0 } }).recall, { epochs: 4 });
  await rec.fit({ history: data, dataset, seed: 4 });
  model = rec.model;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("MF artifacts", () => {
  it("round-trips factors, ids and metadata", async () => {
    const dir = freshDir();
    const meta = JSON.parse(readFileSync(join(dir, "meta.json"), "utf8"));
    expect(meta.algorithm).toBe("als");
    expect(meta.dim).toBe(8);
    expect(meta.fingerprint).toMatch(/^fnv1a32:[0-9a-f]{8}:120x60:/);
    expect(meta.libraries["@tensorflow/tfjs-core"]).toBe("4.22.0");
    expect(meta.libraries.usearch).toBe("2.26.2");
    expect(readFileSync(join(dir, "item-factors.f32")).length).toBe(60 * 8 * 4);
    // Little-endian float32 on disk.
    expect(readFileSync(join(dir, "item-factors.f32")).readFloatLE(4)).toBe(model.parts.itemFactors[1]);
    const loaded = await loadModel(dir, { history: data });
    expect(Array.from(loaded.parts.userFactors)).toEqual(Array.from(model.parts.userFactors));
    expect(loaded.parts.items.id(5)).toBe("i5");
    const a = new Float32Array(60);
    const b = new Float32Array(60);
    model.scoreUsers(Int32Array.of(7), a);
    loaded.scoreUsers(Int32Array.of(7), b);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it("rejects a truncated factor file", async () => {
    const dir = freshDir();
    truncateSync(join(dir, "user-factors.f32"), 100);
    await expect(loadModel(dir)).rejects.toThrow(ArtifactError);
    await expect(loadModel(dir)).rejects.toThrow(/user-factors\.f32: expected 3840 bytes .* found 100/);
  });

  it("rejects bad JSON in meta.json and ids", async () => {
    const dir = freshDir();
    writeFileSync(join(dir, "meta.json"), '{"format": "tandem-mf", ');
    await expect(loadModel(dir)).rejects.toThrow(/meta\.json: not valid JSON/);
    const dir2 = freshDir();
    writeFileSync(join(dir2, "items.json"), JSON.stringify(["a", "b"]));
    await expect(loadModel(dir2)).rejects.toThrow(/items\.json: expected 60 item ids/);
  });

  it("rejects mismatched dims and a different data fingerprint", async () => {
    const dir = freshDir();
    const meta = JSON.parse(readFileSync(join(dir, "meta.json"), "utf8"));
    writeFileSync(join(dir, "meta.json"), JSON.stringify({ ...meta, dim: 16 }));
    await expect(loadModel(dir)).rejects.toThrow(/expected 7680 bytes/);
    const dir2 = freshDir();
    const other = syntheticData(120, 60, 3, 99);
    await expect(loadModel(dir2, { history: other })).rejects.toThrow(ArtifactError);
    await expect(loadModel(dir2, { history: other })).rejects.toThrow(
      /trained on data fnv1a32:.* current data is fnv1a32:/,
    );
    await expect(loadModel(join(root, "nope"))).rejects.toThrow(/meta\.json: missing/);
  });
});

describe("fold-in", () => {
  it("reproduces the ALS factor of a training user from their history", () => {
    for (const u of [0, 11, 52]) {
      const items = data.items.subarray(data.indptr[u]!, data.indptr[u + 1]!);
      const folded = model.foldIn(items);
      const trained = model.userVector(u);
      for (let d = 0; d < model.dim; d++) expect(folded[d]).toBeCloseTo(trained[d]!, 4);
    }
  });

  it("gives a new user with a partial history sensible top items (their taste group)", () => {
    // Group 1 owns items 20..39; a new user who saw five of them should get the rest of that group.
    const folded = model.foldIn([20, 21, 22, 23, 24]);
    const scores = new Float32Array(60);
    model.scoreVectors(folded, scores);
    const top = topK(scores, 10, (i) => i >= 20 && i <= 24);
    const inGroup = Array.from(top).filter((i) => i >= 20 && i < 40).length;
    expect(inGroup).toBeGreaterThanOrEqual(9);
    expect(() => model.foldIn([60])).toThrow(/outside/);
  });
});
