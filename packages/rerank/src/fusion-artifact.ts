import { ArtifactError } from "@tandem/core";
import { type Fusion, isTreeFusion } from "./fusion-scorer.js";
import type { TreeFusion } from "./gbdt/tree-fusion.js";
import type { LinearFusion } from "./listwise-trainer.js";

const LINEAR = "tandem-linear-fusion/1";
const TREES = "tandem-gbdt-fusion/1";
const TREE_ARRAYS = ["feature", "threshold", "left", "right", "value"] as const;

/** JSON form of a trained fusion, versioned with the other artifacts (float32 values round-trip exactly). */
export function serializeFusion(model: Fusion): string {
  if (isTreeFusion(model)) {
    return JSON.stringify({
      format: TREES,
      names: model.names,
      roots: [...model.roots],
      ...Object.fromEntries(TREE_ARRAYS.map((k) => [k, [...model[k]]])),
      loss: model.loss,
      examples: model.examples,
      chosen: model.chosen,
      ...(model.base && { base: JSON.parse(serializeFusion(model.base)) }),
    });
  }
  return JSON.stringify({
    format: LINEAR,
    names: model.names,
    mean: [...model.standardizer.mean],
    scale: [...model.standardizer.scale],
    weights: [...model.weights],
    loss: model.loss,
    examples: model.examples,
  });
}

const numbers = (a: unknown, length?: number): a is number[] =>
  Array.isArray(a) && (length === undefined || a.length === length) && a.every((x) => typeof x === "number");

export function parseFusion(json: string): Fusion {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(json) as Record<string, unknown>;
  } catch (error) {
    throw new ArtifactError("fusion model is not valid JSON", { cause: error });
  }
  return raw["format"] === TREES ? parseTrees(raw) : parseLinear(raw);
}

function parseLinear(raw: Record<string, unknown>): LinearFusion {
  const names = raw["names"];
  const arrays = ["mean", "scale", "weights"].map((k) => raw[k]);
  if (raw["format"] !== LINEAR || !Array.isArray(names) || arrays.some((a) => !numbers(a, names.length))) {
    throw new ArtifactError(`fusion model is not a ${LINEAR} artifact with matching lengths`);
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

/**
 * Checked so that scoring cannot run off the arrays or loop: features name a column, every child comes
 * after its parent, leaves have feature -1.
 */
function parseTrees(raw: Record<string, unknown>): TreeFusion {
  const names = raw["names"];
  const size = Array.isArray(raw["feature"]) ? raw["feature"].length : -1;
  const roots = raw["roots"];
  if (!Array.isArray(names) || !numbers(roots) || TREE_ARRAYS.some((k) => !numbers(raw[k], size))) {
    throw new ArtifactError(`fusion model is not a ${TREES} artifact with matching lengths`);
  }
  const m: TreeFusion = {
    kind: "gbdt",
    names: names as string[],
    roots: Int32Array.from(roots),
    feature: Int32Array.from(raw["feature"] as number[]),
    threshold: Float32Array.from(raw["threshold"] as number[]),
    left: Int32Array.from(raw["left"] as number[]),
    right: Int32Array.from(raw["right"] as number[]),
    value: Float32Array.from(raw["value"] as number[]),
    loss: Number(raw["loss"]),
    examples: Number(raw["examples"]),
    chosen: raw["chosen"] as TreeFusion["chosen"],
  };
  if (raw["base"] !== undefined) {
    const base = parseLinear(raw["base"] as Record<string, unknown>);
    if (base.names.join() !== m.names.join())
      throw new ArtifactError("gbdt fusion: its linear base has other features");
    m.base = base;
  }
  const bad = (n: number) => !(n >= 0 && n < size);
  if (Array.from(m.roots).some(bad)) throw new ArtifactError("gbdt fusion: a root outside the node arrays");
  for (let n = 0; n < size; n++) {
    const f = m.feature[n]!;
    if (f === -1) continue;
    if (
      f < 0 ||
      f >= names.length ||
      bad(m.left[n]!) ||
      bad(m.right[n]!) ||
      m.left[n]! <= n ||
      m.right[n]! <= n
    )
      throw new ArtifactError(`gbdt fusion: node ${n} has a bad feature or child`);
  }
  return m;
}
