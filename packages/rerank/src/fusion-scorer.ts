import { ArtifactError } from "@tandem/core";
import type { CandidateFeatures } from "./candidate-features.js";
import type { LinearFusion } from "./listwise-trainer.js";

/**
 * Request-time scoring: folds the standardizer into the weights once, so a candidate's score is one
 * dot product over its raw features (plain typed-array arithmetic, ~1 µs per candidate).
 */
export class FusionScorer {
  readonly names: readonly string[];
  private readonly w: Float32Array;
  private readonly bias: number;

  constructor(readonly model: LinearFusion) {
    this.names = model.names;
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
    for (let r = 0; r < c.items.length; r++) {
      let s = this.bias;
      for (let f = 0; f < dim; f++) s += this.w[f]! * c.values[r * dim + f]!;
      out[r] = s;
    }
    return out;
  }

  /** Each feature's contribution to a row's score (weight × centred value): the per-signal explanation. */
  explain(c: CandidateFeatures, row: number): Record<string, number> {
    const { mean, scale } = this.model.standardizer;
    const dim = this.names.length;
    const out: Record<string, number> = {};
    for (let f = 0; f < dim; f++) {
      out[this.names[f]!] = this.model.weights[f]! * (c.values[row * dim + f]! - mean[f]!) * scale[f]!;
    }
    return out;
  }
}

/** JSON form of a trained fusion, versioned with the other artifacts. */
export function serializeFusion(model: LinearFusion): string {
  return JSON.stringify({
    format: "tandem-linear-fusion/1",
    names: model.names,
    mean: [...model.standardizer.mean],
    scale: [...model.standardizer.scale],
    weights: [...model.weights],
    loss: model.loss,
    examples: model.examples,
  });
}

export function parseFusion(json: string): LinearFusion {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(json) as Record<string, unknown>;
  } catch (error) {
    throw new ArtifactError("fusion model is not valid JSON", { cause: error });
  }
  const names = raw["names"];
  const arrays = ["mean", "scale", "weights"].map((k) => raw[k]);
  if (
    raw["format"] !== "tandem-linear-fusion/1" ||
    !Array.isArray(names) ||
    arrays.some((a) => !Array.isArray(a) || a.length !== names.length || a.some((x) => typeof x !== "number"))
  ) {
    throw new ArtifactError("fusion model is not a tandem-linear-fusion/1 artifact with matching lengths");
  }
  const [mean, scale, weights] = arrays.map((a) => Float32Array.from(a as number[])) as [
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  return {
    names: names as string[],
    standardizer: { mean, scale },
    weights,
    loss: Number(raw["loss"]),
    examples: Number(raw["examples"]),
  };
}
