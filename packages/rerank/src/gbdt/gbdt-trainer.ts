import { type GbdtConfig, InvalidArgumentError, Rng } from "@tandem/core";
import type { RankingExample } from "../candidate-features.js";
import { FusionScorer } from "../fusion-scorer.js";
import { type LinearFusion, trainListwise } from "../listwise-trainer.js";
import { type Bins, binColumns, type Columns, fitBins } from "./binning.js";
import type { TreeFusion } from "./tree-fusion.js";
import { type GrownTree, GrowScratch, growTree } from "./tree-grower.js";

/**
 * Examples concatenated: one column-major code matrix, list boundaries, each list's target row, and
 * the score boosting starts from (0, or the linear fusion's).
 */
interface Lists {
  cols: Columns;
  offsets: Int32Array;
  targets: Int32Array;
  start: Float64Array;
}

interface BoostParams {
  trees: number;
  depth: number;
  learningRate: number;
  minLeaf: number;
  l2: number;
  subsample: number;
  seed: number;
  /** Stop after this many rounds without a better validation loss (with `valid`). */
  patience?: number;
}

function lists(examples: readonly RankingExample[], dim: number, bins: Bins, base?: LinearFusion): Lists {
  const offsets = new Int32Array(examples.length + 1);
  examples.forEach((e, k) => {
    offsets[k + 1] = offsets[k]! + e.candidates.items.length;
  });
  const values = new Float32Array(offsets[examples.length]! * dim);
  examples.forEach((e, k) => {
    values.set(e.candidates.values, offsets[k]! * dim);
  });
  const start = new Float64Array(offsets[examples.length]!);
  if (base)
    start.set(
      new FusionScorer(base).score({ names: base.names, items: new Int32Array(start.length), values }),
    );
  return {
    cols: binColumns(values, dim, bins),
    offsets,
    targets: Int32Array.from(examples, (e, k) => offsets[k]! + e.target),
    start,
  };
}

/** Softmax over each list of `scores`: gradient p - y and hessian p(1 - p) per row; returns mean loss. */
function softmaxStats(data: Lists, scores: Float64Array, grad?: Float64Array, hess?: Float64Array): number {
  let loss = 0;
  const n = data.targets.length;
  for (let k = 0; k < n; k++) {
    const a = data.offsets[k]!;
    const b = data.offsets[k + 1]!;
    let max = Number.NEGATIVE_INFINITY;
    for (let r = a; r < b; r++) max = Math.max(max, scores[r]!);
    let z = 0;
    for (let r = a; r < b; r++) {
      const e = Math.exp(scores[r]! - max);
      if (grad) grad[r] = e;
      z += e;
    }
    const t = data.targets[k]!;
    loss -= scores[t]! - max - Math.log(z);
    if (!grad || !hess) continue;
    for (let r = a; r < b; r++) {
      const p = grad[r]! / z;
      grad[r] = p - (r === t ? 1 : 0);
      hess[r] = Math.max(p * (1 - p), 1e-12);
    }
  }
  return loss / Math.max(1, n);
}

/** Adds a tree's output (on codes) to every row's score. */
function addTree(tree: GrownTree, cols: Columns, scores: Float64Array): void {
  const { codes, rows } = cols;
  for (let r = 0; r < scores.length; r++) {
    let n = 0;
    while (tree.feature[n]! >= 0)
      n = codes[tree.feature[n]! * rows + r]! <= tree.bin[n]! ? tree.left[n]! : tree.right[n]!;
    scores[r]! += tree.value[n]!;
  }
}

/** Boosting rounds on `train`; with `valid`, the trees up to the best validation loss. */
function boost(
  train: Lists,
  p: BoostParams,
  valid?: Lists,
): { trees: GrownTree[]; loss: number; validLoss: number } {
  const rows = train.cols.rows;
  const scores = train.start.slice();
  const grad = new Float64Array(rows);
  const hess = new Float64Array(rows);
  const mask = new Uint8Array(rows);
  const scratch = new GrowScratch(rows);
  const validScores = valid ? valid.start.slice() : null;
  const rng = new Rng(p.seed);
  const trees: GrownTree[] = [];
  let best = { loss: Number.POSITIVE_INFINITY, trees: 0 };
  for (let t = 0; t < p.trees; t++) {
    softmaxStats(train, scores, grad, hess);
    // Whole lists are sampled: a list's gradients only make sense together (they sum to zero).
    for (let k = 0; k < train.targets.length; k++) {
      mask.fill(rng.next() < p.subsample ? 1 : 0, train.offsets[k]!, train.offsets[k + 1]!);
    }
    const tree = growTree(train.cols, grad, hess, mask, p, scratch);
    trees.push(tree);
    addTree(tree, train.cols, scores);
    if (valid && validScores) {
      addTree(tree, valid.cols, validScores);
      const loss = softmaxStats(valid, validScores);
      if (loss < best.loss) best = { loss, trees: t + 1 };
      else if (t + 1 - best.trees >= (p.patience ?? p.trees)) break;
    }
  }
  const kept = valid ? trees.slice(0, best.trees) : trees;
  return { trees: kept, loss: softmaxStats(train, scores), validLoss: best.loss };
}

/**
 * Gradient-boosted trees on the listwise softmax loss (each user's chosen item against their other
 * candidates). The depth × learning-rate grid of `config` is searched on a seeded `validationShare` of
 * the owners (all cuts of one user on the same side, so no user's later cut judges their earlier one),
 * each early-stopped on validation log-loss; the winner's tree count is then refit on every example.
 */
export function trainGbdt(
  examples: readonly RankingExample[],
  owners: Int32Array,
  config: GbdtConfig,
  seed: number,
): TreeFusion {
  const keep = examples.map((e) => e.target >= 0 && e.candidates.items.length > 1);
  const useful = examples.filter((_, k) => keep[k]);
  if (useful.length === 0)
    throw new InvalidArgumentError("no training example has its target among the candidates");
  const names = [...useful[0]!.candidates.names];
  const dim = names.length;
  if (useful.some((e) => e.candidates.names.join() !== names.join()))
    throw new InvalidArgumentError("examples disagree on feature names");
  const usefulOwners = owners.filter((_, k) => keep[k]);
  const bins = fitBins(concatValues(useful, dim), dim, config.bins);
  // gbdt.base = "linear": the trees boost from the linear fusion's scores (fitted on the same lists),
  // so they only learn what the linear model misses.
  const linearOn = (part: readonly RankingExample[]) =>
    config.base === "linear" && part.length > 0 ? trainListwise(part) : undefined;
  const finalBase = linearOn(useful);
  const all = lists(useful, dim, bins, finalBase);

  const rng = new Rng(seed ^ 0x9e3779b9);
  const inValid = new Map<number, boolean>();
  for (const u of usefulOwners) if (!inValid.has(u)) inValid.set(u, rng.next() < config.validationShare);
  const side = (v: boolean) => useful.filter((_, k) => inValid.get(usefulOwners[k]!) === v);
  // The search boosts from what the final fit boosts from: a linear fusion fitted on the search's own
  // training users (it scores the validation users unseen), so the tree count fits the model refit.
  const trainSide = side(false);
  const searchBase = linearOn(trainSide);
  const train = lists(trainSide, dim, bins, searchBase);
  const valid = lists(side(true), dim, bins, searchBase);
  const base = { minLeaf: config.minLeaf, l2: config.l2, subsample: config.subsample, seed };
  let chosen = { depth: config.depths[0]!, learningRate: config.learningRates[0]!, trees: 1, loss: Infinity };
  if (valid.targets.length > 0 && train.targets.length > 0) {
    for (const depth of config.depths) {
      for (const learningRate of config.learningRates) {
        const p = { ...base, depth, learningRate, trees: config.maxTrees, patience: config.patience };
        const fit = boost(train, p, valid);
        if (fit.validLoss < chosen.loss)
          chosen = { depth, learningRate, trees: fit.trees.length, loss: fit.validLoss };
      }
    }
  } else chosen.trees = config.maxTrees;
  // The refit sees 1/(1 - share) more lists: as many trees as validation chose, scaled up accordingly.
  const trees = Math.max(1, Math.round(chosen.trees / (1 - config.validationShare)));
  const final = boost(all, { ...base, ...chosen, trees: Math.min(trees, config.maxTrees) });
  return {
    ...flatten(final.trees, bins),
    kind: "gbdt",
    names,
    ...(finalBase && { base: finalBase }),
    loss: final.loss,
    examples: useful.length,
    chosen: { depth: chosen.depth, learningRate: chosen.learningRate, trees: final.trees.length },
  };
}

function concatValues(examples: readonly RankingExample[], dim: number): Float32Array {
  const out = new Float32Array(examples.reduce((n, e) => n + e.candidates.items.length, 0) * dim);
  let at = 0;
  for (const e of examples) {
    out.set(e.candidates.values, at);
    at += e.candidates.values.length;
  }
  return out;
}

/** Trees grown on codes → one set of flat arrays with raw-unit thresholds. */
function flatten(trees: readonly GrownTree[], bins: Bins) {
  const size = trees.reduce((n, t) => n + t.feature.length, 0);
  const out = {
    roots: new Int32Array(trees.length),
    feature: new Int32Array(size),
    threshold: new Float32Array(size),
    left: new Int32Array(size),
    right: new Int32Array(size),
    value: new Float32Array(size),
  };
  let at = 0;
  trees.forEach((t, i) => {
    out.roots[i] = at;
    for (let n = 0; n < t.feature.length; n++) {
      const f = t.feature[n]!;
      out.feature[at + n] = f;
      out.threshold[at + n] = f >= 0 ? bins.edges[f]![t.bin[n]!]! : 0;
      out.left[at + n] = f >= 0 ? at + t.left[n]! : -1;
      out.right[at + n] = f >= 0 ? at + t.right[n]! : -1;
      out.value[at + n] = t.value[n]!;
    }
    at += t.feature.length;
  });
  return out;
}
