import { ArtifactError } from "@tandem/core";
import type { CandidateFeatures } from "./candidate-features.js";
import { type TreeFusion, treeBias, treeContributions, treeScore } from "./gbdt/tree-fusion.js";
import type { LinearFusion } from "./listwise-trainer.js";

/** Either fusion model (rerank.fusion): what the nightly publishes and serving scores with. */
export type Fusion = LinearFusion | TreeFusion;

export const isTreeFusion = (m: Fusion): m is TreeFusion => "kind" in m && m.kind === "gbdt";

/**
 * Request-time scoring on raw feature rows. Linear: the standardizer folded into the weights once, so
 * a candidate's score is one dot product (~1 µs per candidate). Trees: one comparison per level per
 * tree. Either way `bias` + Σ explain(row) = score(row), so "because …" phrases read the same.
 */
export class FusionScorer {
  readonly names: readonly string[];
  /** The part of every score no feature explains. */
  readonly bias: number;
  private readonly w: Float32Array;
  private readonly scratch: Float64Array;
  /** Trees boosted from a linear fusion: that fusion's scorer, whose score and parts are added. */
  private readonly base: FusionScorer | null = null;

  constructor(readonly model: Fusion) {
    this.names = model.names;
    this.scratch = new Float64Array(model.names.length);
    if (isTreeFusion(model)) {
      this.w = new Float32Array(0);
      this.base = model.base ? new FusionScorer(model.base) : null;
      this.bias = treeBias(model) + (this.base?.bias ?? 0);
      return;
    }
    const { mean, scale } = model.standardizer;
    this.w = model.weights.map((w, f) => w * scale[f]!);
    this.bias = -model.weights.reduce((s, w, f) => s + w * scale[f]! * mean[f]!, 0);
  }

  /** Scores every row of `c` into `out` (length c.items.length). */
  score(c: CandidateFeatures, out = new Float32Array(c.items.length)): Float32Array {
    if (c.names.length !== this.names.length || c.names.some((n, i) => n !== this.names[i])) {
      throw new ArtifactError(`feature mismatch: model has [${this.names}], candidates have [${c.names}]`);
    }
    const dim = this.names.length;
    const m = this.model;
    if (isTreeFusion(m)) {
      if (this.base) this.base.score(c, out);
      for (let r = 0; r < c.items.length; r++)
        out[r] = (this.base ? out[r]! : 0) + treeScore(m, c.values, r * dim);
      return out;
    }
    for (let r = 0; r < c.items.length; r++) {
      let s = this.bias;
      for (let f = 0; f < dim; f++) s += this.w[f]! * c.values[r * dim + f]!;
      out[r] = s;
    }
    return out;
  }

  /**
   * Each feature's contribution to a row's score: weight × centred value (linear), or the change of
   * node value along the row's tree paths at that feature's splits (trees). The per-signal explanation.
   */
  explain(c: CandidateFeatures, row: number): Record<string, number> {
    const dim = this.names.length;
    const m = this.model;
    const out: Record<string, number> = {};
    if (isTreeFusion(m)) {
      treeContributions(m, c.values, row * dim, this.scratch);
      const linear = this.base?.explain(c, row);
      for (let f = 0; f < dim; f++) out[this.names[f]!] = this.scratch[f]! + (linear?.[this.names[f]!] ?? 0);
      return out;
    }
    const { mean, scale } = m.standardizer;
    for (let f = 0; f < dim; f++) {
      out[this.names[f]!] = m.weights[f]! * (c.values[row * dim + f]! - mean[f]!) * scale[f]!;
    }
    return out;
  }
}
