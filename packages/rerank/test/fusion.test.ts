import { ArtifactError, Rng } from "@tandem/core";
import { describe, expect, it } from "vitest";
import {
  type CandidateFeatures,
  FusionScorer,
  parseFusion,
  type RankingExample,
  serializeFusion,
  trainListwise,
} from "../src/index.js";

const names = ["a", "b", "noise"];
const truth = [2, -1, 0];

/** Users choose by softmax(truth · x) over 30 candidates whose features have different units. */
function examples(n: number, seed: number): RankingExample[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const rows = 30;
    const values = new Float32Array(rows * 3);
    for (let r = 0; r < rows; r++) {
      values[r * 3] = rng.normal() * 100 + 50; // large unit
      values[r * 3 + 1] = rng.normal() * 0.01; // tiny unit
      values[r * 3 + 2] = rng.normal();
    }
    const utility = Array.from({ length: rows }, (_, r) => {
      const x = [(values[r * 3]! - 50) / 100, values[r * 3 + 1]! / 0.01, values[r * 3 + 2]!];
      return x.reduce((s, v, f) => s + v * truth[f]!, 0) + -Math.log(-Math.log(rng.next() + 1e-12)); // Gumbel
    });
    const target = utility.indexOf(Math.max(...utility));
    return { candidates: { names, items: Int32Array.from({ length: rows }, (_, r) => r), values }, target };
  });
}

describe("listwise fusion", () => {
  const model = trainListwise(examples(400, 1));

  it("recovers the direction of the true preference whatever the feature units", () => {
    const w = [...model.weights];
    const cos = w.reduce((s, v, f) => s + v * truth[f]!, 0) / Math.hypot(...w) / Math.hypot(...truth);
    expect(cos).toBeGreaterThan(0.97);
    expect(Math.abs(w[2]!)).toBeLessThan(0.3);
  });

  it("ranks held-out users' choices far above chance", () => {
    const scorer = new FusionScorer(model);
    const test = examples(300, 2);
    const hits = test.filter((e) => {
      const s = scorer.score(e.candidates);
      const rank = [...s].filter((v) => v > s[e.target]!).length;
      return rank < 3;
    }).length;
    expect(hits / test.length).toBeGreaterThan(0.4); // chance is 3/30
  });

  it("explains a score as per-feature contributions that add up", () => {
    const scorer = new FusionScorer(model);
    const c = examples(1, 3)[0]!.candidates;
    const scores = scorer.score(c);
    const e0 = Object.values(scorer.explain(c, 0)).reduce((a, b) => a + b, 0);
    const e1 = Object.values(scorer.explain(c, 1)).reduce((a, b) => a + b, 0);
    expect(e0 - e1).toBeCloseTo(scores[0]! - scores[1]!, 4);
  });

  it("round-trips through its artifact and rejects broken ones", () => {
    const again = parseFusion(serializeFusion(model));
    const c = examples(1, 4)[0]!.candidates;
    expect([...new FusionScorer(again).score(c)]).toEqual([...new FusionScorer(model).score(c)]);
    expect(() => parseFusion("{not json")).toThrow(ArtifactError);
    const broken = JSON.parse(serializeFusion(model));
    broken.weights.pop();
    expect(() => parseFusion(JSON.stringify(broken))).toThrow(/matching lengths/);
  });

  it("refuses candidates with other features", () => {
    const other: CandidateFeatures = {
      names: ["a", "b"],
      items: new Int32Array(1),
      values: new Float32Array(2),
    };
    expect(() => new FusionScorer(model).score(other)).toThrow(ArtifactError);
  });

  it("needs at least one example whose target was recalled", () => {
    const e = examples(2, 5).map((x) => ({ ...x, target: -1 }));
    expect(() => trainListwise(e)).toThrow(/no training example/);
  });
});
