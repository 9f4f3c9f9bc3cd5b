import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "@tandem/core";
import { userItemsFromRows } from "@tandem/data";
import { initTf, tf } from "@tandem/tf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastItems, loadSeqModel, SEQ_SPACE, saveSeqModel, seqRecommender } from "../src/index.js";
import { seqLoss } from "../src/seq/seq-loss.js";
import { initWeights, type SeqShape } from "../src/seq/seq-weights.js";
import { datasetOf, syntheticData, testConfig } from "./fixtures.js";

type T = ReturnType<typeof tf.tensor>;

const dirs: string[] = [];
beforeAll(async () => {
  await initTf({ log: false });
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("seq text projection", () => {
  it("seqLoss gradients (text projection, ID table, inputs) match central finite differences", () => {
    const s: SeqShape = { numItems: 6, maxLen: 4, dim: 4, blocks: 1, heads: 1, textDim: 3 };
    const rng = new Rng(4);
    const inputs = Int32Array.of(-1, 2, 0, 5, 1, 3, 4, 2);
    const targets = Int32Array.of(-1, 0, 5, 1, 3, 4, 2, 0);
    const tW = Float32Array.from(targets, (t) => (t < 0 ? 0 : 1));
    const mask = tf.tensor3d(
      Float32Array.from(inputs, (i) => (i < 0 ? 0 : 1)),
      [2, 4, 1],
    );
    const text = Float32Array.from({ length: s.numItems * 3 }, () => rng.normal());
    const rows = new Float32Array(inputs.length * 3);
    inputs.forEach((item, p) => {
      if (item >= 0) rows.set(text.subarray(item * 3, item * 3 + 3), p * 3);
    });
    const textIn = { table: tf.tensor2d(text, [s.numItems, 3]), rows: tf.tensor2d(rows, [inputs.length, 3]) };
    const init = initWeights(s, 3);
    const names = ["textProj", "item", "b0.wq"];
    const fixed: Record<string, T> = {};
    for (const [n, { shape, values }] of init) if (!names.includes(n)) fixed[n] = tf.tensor(values, shape);
    const x0 = Float32Array.from({ length: inputs.length * s.dim }, () => rng.normal() * 0.5);
    const loss = (x: T, ...ws: T[]) => {
      const w = { ...fixed };
      names.forEach((n, i) => {
        w[n] = ws[i]!;
      });
      return seqLoss(s, w, x, mask, targets, tW, { dropout: 0, seed: 0 }, textIn);
    };
    const values = [x0, ...names.map((n) => init.get(n)!.values)];
    const shapes = [[2, 4, s.dim], ...names.map((n) => init.get(n)!.shape)];
    const tensors = () => values.map((v, i) => tf.tensor(v, shapes[i]));
    const grads = tf
      .grads(loss)(tensors())
      .map((g) => g.dataSync());
    const eps = 1e-2;
    values.forEach((v, a) => {
      let nonZero = 0;
      for (let i = 0; i < v.length; i++) {
        const at = (delta: number) => {
          const saved = v[i]!;
          v[i] = saved + delta;
          const out = tf.tidy(() => loss(...(tensors() as [T, ...T[]])).dataSync()[0]!);
          v[i] = saved;
          return out;
        };
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        expect(grads[a]![i]!).toBeCloseTo(numeric, 2);
        if (Math.abs(grads[a]![i]!) > 1e-3) nonZero++;
      }
      expect(nonZero).toBeGreaterThan(v.length / 3);
    });
  });

  it("gives a never-trained item a sequence-space vector from its text alone that fits its group", async () => {
    // Three groups of 20 items; an item's text is its group's direction plus noise. Item 10 (group 0)
    // is removed from every history: it has only its text.
    const cold = 10;
    const base = syntheticData();
    const rows: { user: number; item: number; time: number; value: number }[] = [];
    for (let u = 0; u < base.numUsers; u++)
      for (let p = base.indptr[u]!; p < base.indptr[u + 1]!; p++)
        if (base.items[p] !== cold) rows.push({ user: u, item: base.items[p]!, time: p, value: 1 });
    const data = userItemsFromRows(base.numUsers, base.numItems, rows);
    const textDim = 3;
    const rng = new Rng(7);
    const text = new Float32Array(data.numItems * textDim);
    for (let i = 0; i < data.numItems; i++) {
      for (let k = 0; k < textDim; k++) text[i * textDim + k] = 0.1 * rng.normal();
      text[i * textDim + Math.floor(i / 20)]! += 1;
    }
    const config = testConfig({
      seq: { dim: 16, maxLen: 12, blocks: 1, maxEpochs: 25, lr: 0.01, dropout: 0, text: "add" },
    }).recall;
    const model = seqRecommender(config, { epochs: 4 }, async () => ({ vectors: text, dim: textDim }));
    await model.fit({ history: data, dataset: datasetOf(data), seed: 2 });
    const seq = model.model;
    const coldVector = seq.textVectors(text.subarray(cold * textDim, (cold + 1) * textDim));
    expect(coldVector.length).toBe(16);
    const users = Int32Array.from({ length: data.numUsers }, (_, u) => u);
    const states = seq.states(lastItems(data, users, 12));
    const dot = (a: Float32Array, ao: number, so: number) => {
      let sum = 0;
      for (let k = 0; k < 16; k++) sum += a[ao + k]! * states[so + k]!;
      return sum;
    };
    // Few epochs: trained longer on this toy data, the ID embeddings carry the groups alone and the
    // projection learns little (the score of a cold item's text then says less).
    // Text alone, like for like: for a user of group 0 the cold item outscores the text-only vectors
    // of the other groups' items; for users of the other groups it does not.
    const textOnly = seq.textVectors(text);
    const beats = (u: number) => {
      let wins = 0;
      let n = 0;
      for (let i = 0; i < data.numItems; i++) {
        if (Math.floor(i / 20) === u % 3 || Math.floor(i / 20) === 0) continue;
        n++;
        if (dot(coldVector, 0, u * 16) > dot(textOnly, i * 16, u * 16)) wins++;
      }
      return wins / n;
    };
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const own = mean([...users].filter((u) => u % 3 === 0).map(beats));
    const other = mean([...users].filter((u) => u % 3 !== 0).map(beats));
    expect(own).toBeGreaterThan(0.95);
    expect(own - other).toBeGreaterThan(0.1);
    // The projection is part of the artifact: a loaded model maps text to the same vector.
    const dir = mkdtempSync(join(tmpdir(), "seq-text-"));
    dirs.push(dir);
    saveSeqModel(dir, seq);
    const loaded = await loadSeqModel(dir);
    expect(Array.from(loaded.textVectors(text.subarray(cold * textDim, (cold + 1) * textDim)))).toEqual(
      Array.from(coldVector),
    );
    expect(() => seqRecommender(testConfig().recall).model).toThrow();
  });

  it("takes SEQ_SPACE values from tuned over recall.seq (what seq-search's refit passes)", async () => {
    const data = syntheticData();
    const config = testConfig({ seq: { dim: 16, maxLen: 12, blocks: 1, text: "none" } }).recall;
    const model = seqRecommender(config, { epochs: 1, dim: 8, maxLen: 6, lr: 0.002, dropout: 0.1 });
    await model.fit({ history: data, dataset: datasetOf(data), seed: 1 });
    expect(model.model.shape).toMatchObject({ dim: 8, maxLen: 6 });
    expect(model.model.info.hyperparameters).toMatchObject({ lr: 0.002, dropout: 0.1, text: "none" });
    expect(Object.keys(SEQ_SPACE)).toEqual(["dropout", "lr", "dim", "maxLen", "text"]);
  });

  it("text = add without item text vectors is an error naming the key", async () => {
    const data = syntheticData();
    const config = testConfig({ seq: { dim: 16, maxLen: 12, blocks: 1, text: "add" } }).recall;
    await expect(
      seqRecommender(config, { epochs: 1 }).fit({ history: data, dataset: datasetOf(data), seed: 1 }),
    ).rejects.toThrow(/recall.seq.text/);
  });
});
