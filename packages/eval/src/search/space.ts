import { InvalidArgumentError, Rng } from "@tandem/core";

/** A hyperparameter value; models read what they know from `tuned` by name. */
export type Hyperparameter = number | string;
export type Hyperparameters = Record<string, Hyperparameter>;

/** A model's searched hyperparameters: the values each may take (a grid; the search samples from it). */
export type SearchSpace = Readonly<Record<string, readonly Hyperparameter[]>>;

/** The values in `values` of the space's hyperparameters (the rest dropped): what a model takes from `tuned`. */
export const pickTuned = (values: Hyperparameters | undefined, space: SearchSpace): Hyperparameters =>
  Object.fromEntries(Object.keys(space).flatMap((n) => (values?.[n] === undefined ? [] : [[n, values[n]!]])));

/** Every point of the grid, in a fixed order (first hyperparameter slowest). */
export function gridPoints(space: SearchSpace): Hyperparameters[] {
  let points: Hyperparameters[] = [{}];
  for (const [name, values] of Object.entries(space)) {
    if (values.length === 0) throw new InvalidArgumentError(`search space: "${name}" has no values`);
    points = points.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  }
  return points;
}

const key = (p: Hyperparameters, names: readonly string[]) => names.map((n) => String(p[n])).join("\u0000");

/**
 * The points a search tries, in order: the configured `defaults` first (so one trial is exactly the
 * unsearched model, and the search can never choose worse than it on validation), then a seeded shuffle
 * of the rest of the grid. Same space, defaults and seed → same order.
 */
export function trialOrder(
  space: SearchSpace,
  defaults: Hyperparameters,
  trials: number,
  seed: number,
): Hyperparameters[] {
  const names = Object.keys(space);
  for (const n of names) {
    if (defaults[n] === undefined) throw new InvalidArgumentError(`search space: no default for "${n}"`);
  }
  const first = Object.fromEntries(names.map((n) => [n, defaults[n]!]));
  const rest = gridPoints(space).filter((p) => key(p, names) !== key(first, names));
  return [first, ...new Rng(seed).shuffle(rest)].slice(0, Math.max(1, trials));
}
