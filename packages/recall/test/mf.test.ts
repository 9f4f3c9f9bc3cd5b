import { leaveOneOutSplit } from "@tandem/data";
import { evaluate, PopularityRecommender } from "@tandem/eval";
import { initTf, tf } from "@tandem/tf";
import { describe, expect, it } from "vitest";
import { alsRecommender, bprGradientsTyped, bprLossGradients, bprRecommender } from "../src/index.js";
import { datasetOf, syntheticData, testConfig } from "./fixtures.js";

const data = syntheticData();
const dataset = datasetOf(data);
const split = leaveOneOutSplit(data);

describe("mf-als", () => {
  it("beats popularity on structured data, reports a validation curve and the best epoch", async () => {
    const model = alsRecommender(testConfig().recall);
    const fit = await model.fit({ history: split.train, validation: split.validation, dataset, seed: 1 });
    expect(fit.curve!.length).toBeGreaterThan(0);
    expect(fit.curve!.every((p) => p.metric === "ndcg@10")).toBe(true);
    // The best epoch: the latest to beat the best before it by recall.minGain (relative).
    const minGain = testConfig().recall.minGain;
    let best = Number.NEGATIVE_INFINITY;
    let bestEpoch = 0;
    for (const p of fit.curve!)
      if (p.value > best * (1 + (best > 0 ? minGain : 0))) {
        best = p.value;
        bestEpoch = p.step;
      }
    expect(fit.tuned).toEqual({ epochs: bestEpoch });
    // The kept model is the best epoch's, not the last one's.
    const ndcg = evaluate(model, split.train, split.validation, { ks: [10] }).metrics["ndcg@10"]!;
    expect(ndcg).toBeCloseTo(best, 6);
    const pop = new PopularityRecommender();
    await pop.fit({ history: split.train, dataset, seed: 1 });
    const popNdcg = evaluate(pop, split.train, split.validation, { ks: [10] }).metrics["ndcg@10"]!;
    expect(ndcg).toBeGreaterThan(popNdcg);
  });

  it("counts an epoch as a gain only above recall.minGain, and stops after patience without one", async () => {
    const config = testConfig().recall;
    // No epoch can beat the first by 1000%: epoch 1 is kept, and patience epochs later it stops.
    const model = alsRecommender({
      ...config,
      minGain: 10,
      patience: 2,
      als: { ...config.als, maxEpochs: 10 },
    });
    const fit = await model.fit({ history: split.train, validation: split.validation, dataset, seed: 1 });
    expect(fit.tuned).toEqual({ epochs: 1 });
    expect(fit.curve!.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(fit.curve![2]!.value).toBeGreaterThan(fit.curve![0]!.value); // a plain gain, not enough of one
  });

  it("is reproducible for a seed and trains exactly the tuned epochs on refit", async () => {
    const a = alsRecommender(testConfig().recall, { epochs: 2 });
    const b = alsRecommender(testConfig().recall, { epochs: 2 });
    const c = alsRecommender(testConfig().recall, { epochs: 3 });
    await a.fit({ history: data, dataset, seed: 9 });
    await b.fit({ history: data, dataset, seed: 9 });
    await c.fit({ history: data, dataset, seed: 9 });
    expect(a.model.parts.epochs).toBe(2);
    expect(Array.from(a.model.parts.userFactors)).toEqual(Array.from(b.model.parts.userFactors));
    expect(Array.from(a.model.parts.itemFactors)).not.toEqual(Array.from(c.model.parts.itemFactors));
  });

  it("exact (Cholesky) and conjugate-gradient solvers agree after a few sweeps", async () => {
    const exact = alsRecommender(testConfig({ als: { factors: 8, cgSteps: 0 } }).recall, { epochs: 5 });
    const cg = alsRecommender(testConfig({ als: { factors: 8, cgSteps: 8 } }).recall, { epochs: 5 });
    await exact.fit({ history: data, dataset, seed: 3 });
    await cg.fit({ history: data, dataset, seed: 3 });
    const users = Int32Array.from([0, 1, 2]);
    const sa = new Float32Array(3 * data.numItems);
    const sb = new Float32Array(3 * data.numItems);
    exact.scoreBatch(users, sa);
    cg.scoreBatch(users, sb);
    for (let i = 0; i < sa.length; i++) expect(sb[i]).toBeCloseTo(sa[i]!, 2);
  });
});

describe("mf-bpr", () => {
  it("TF.js customGrad and the typed-array engine compute the same BPR gradients", async () => {
    await initTf({ log: false });
    const n = 5;
    const k = 3;
    const rand = (m: number, s: number) => Float32Array.from({ length: m }, (_, i) => Math.sin(i * 1.7 + s));
    const pu = rand(n * k, 1);
    const qi = rand(n * k, 2);
    const qj = rand(n * k, 3);
    const bi = rand(n, 4);
    const bj = rand(n, 5);
    const typed = bprGradientsTyped(pu, qi, qj, bi, bj, k, 0.01);
    const viaTf = tf.tidy(() =>
      bprLossGradients(0.01)([
        tf.tensor2d(pu, [n, k]),
        tf.tensor2d(qi, [n, k]),
        tf.tensor2d(qj, [n, k]),
        tf.tensor1d(bi),
        tf.tensor1d(bj),
      ] as never).map((g) => Array.from(g.dataSync())),
    );
    typed.forEach((g, t) => {
      g.forEach((v, i) => {
        expect(viaTf[t]![i]).toBeCloseTo(v, 5);
      });
    });
    // Numerical check of one coordinate: the gradient is the loss's real slope.
    const loss = (p: Float32Array) => {
      let s = 0;
      for (let b = 0; b < n; b++) {
        let x = bi[b]! - bj[b]!;
        for (let d = 0; d < k; d++) x += p[b * k + d]! * (qi[b * k + d]! - qj[b * k + d]!);
        s += Math.log1p(Math.exp(-x));
      }
      let l2 = 0;
      for (const a of [p, qi, qj]) for (const v of a) l2 += v * v;
      return s + 0.01 * l2;
    };
    const eps = 1e-3;
    const plus = Float32Array.from(pu);
    plus[4]! += eps;
    const minus = Float32Array.from(pu);
    minus[4]! -= eps;
    expect(typed[0]![4]).toBeCloseTo((loss(plus) - loss(minus)) / (2 * eps), 2);
  });

  for (const engine of ["typed", "tfjs"] as const) {
    it(`learns structure with the ${engine} engine (beats popularity on validation)`, async () => {
      const model = bprRecommender(
        testConfig({ bpr: { factors: 8, maxEpochs: 15, batchSize: 256, engine, lr: 0.1 } }).recall,
      );
      const fit = await model.fit({ history: split.train, validation: split.validation, dataset, seed: 2 });
      expect(fit.tuned!["epochs"]).toBeGreaterThan(0);
      const ndcg = evaluate(model, split.train, split.validation, { ks: [10] }).metrics["ndcg@10"]!;
      const pop = new PopularityRecommender();
      await pop.fit({ history: split.train, dataset, seed: 1 });
      expect(ndcg).toBeGreaterThan(
        evaluate(pop, split.train, split.validation, { ks: [10] }).metrics["ndcg@10"]!,
      );
    });
  }
});

describe("MfModel.scoreVectors", () => {
  // The SIMD scan must give what the plain dot product gives, bias included (BPR), for every query row.
  it.each(["als", "bpr"] as const)("%s: equals q · v + b for every item", async (algorithm) => {
    const model =
      algorithm === "als" ? alsRecommender(testConfig().recall) : bprRecommender(testConfig().recall);
    await model.fit({ history: split.train, dataset, seed: 3 });
    const mf = model.model;
    const { dim, itemFactors, itemBias } = mf.parts;
    const users = Int32Array.of(0, 5, 17);
    const out = new Float32Array(users.length * mf.numItems);
    mf.scoreUsers(users, out);
    let worst = 0;
    users.forEach((u, b) => {
      const q = mf.userVector(u);
      for (let i = 0; i < mf.numItems; i++) {
        let s = algorithm === "bpr" ? itemBias[i]! : 0;
        for (let d = 0; d < dim; d++) s += q[d]! * itemFactors[i * dim + d]!;
        worst = Math.max(worst, Math.abs(out[b * mf.numItems + i]! - s));
      }
    });
    expect(worst).toBeLessThan(1e-5);
    if (algorithm === "bpr") expect(itemBias.some((x) => x !== 0)).toBe(true);
  });
});
