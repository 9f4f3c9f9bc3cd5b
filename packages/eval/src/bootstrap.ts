import { InvalidArgumentError, Rng } from "@tandem/core";
import { mean } from "./evaluate.js";

export interface Interval {
  mean: number;
  lo: number;
  hi: number;
}

export interface BootstrapOptions {
  /** Resamples of the users; at least 1,000. Default 2,000. */
  resamples?: number;
  seed?: number;
  /** Coverage of the interval. Default 0.95. */
  level?: number;
}

const settings = (o: BootstrapOptions) => {
  const resamples = o.resamples ?? 2000;
  if (!Number.isInteger(resamples) || resamples < 1000)
    throw new InvalidArgumentError(`bootstrap needs at least 1,000 resamples, got ${resamples}`);
  return { resamples, seed: o.seed ?? 42, level: o.level ?? 0.95 };
};

/** Percentile interval of sorted resample statistics. */
function percentile(stats: Float64Array, level: number): [number, number] {
  stats.sort();
  const alpha = (1 - level) / 2;
  const at = (q: number) =>
    stats[Math.min(stats.length - 1, Math.max(0, Math.round(q * (stats.length - 1))))]!;
  return [at(alpha), at(1 - alpha)];
}

/**
 * Percentile bootstrap CIs of the mean for several per-user vectors at once (all over the same users):
 * every resample draws one set of users, shared by all metrics, so intervals are consistent.
 */
export function bootstrapMeans(
  vectors: Record<string, ArrayLike<number>>,
  options: BootstrapOptions = {},
): Record<string, Interval> {
  const { resamples, seed, level } = settings(options);
  const names = Object.keys(vectors);
  const n = names.length > 0 ? vectors[names[0]!]!.length : 0;
  const stats = names.map(() => new Float64Array(resamples));
  const rng = new Rng(seed);
  const pick = new Int32Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) pick[i] = rng.int(n);
    names.forEach((name, m) => {
      const v = vectors[name]!;
      let s = 0;
      for (let i = 0; i < n; i++) s += v[pick[i]!]!;
      stats[m]![r] = n > 0 ? s / n : 0;
    });
  }
  const out: Record<string, Interval> = {};
  names.forEach((name, m) => {
    const [lo, hi] = percentile(stats[m]!, level);
    out[name] = { mean: mean(vectors[name]!), lo, hi };
  });
  return out;
}

export interface PairedTest {
  /** mean(a - b) over the shared users. */
  difference: number;
  lo: number;
  hi: number;
  /** Two-sided p-value of the paired sign-flip randomisation test of "no difference". */
  p: number;
  users: number;
}

/**
 * Paired comparison of two models on the same users: a bootstrap CI of the mean difference and a
 * randomisation test that flips the sign of each user's difference (exchangeable under the null).
 */
export function pairedTest(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: BootstrapOptions = {},
): PairedTest {
  if (a.length !== b.length)
    throw new InvalidArgumentError(`paired test needs the same users: ${a.length} vs ${b.length} values`);
  const { resamples, seed, level } = settings(options);
  const n = a.length;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = a[i]! - b[i]!;
  const observed = mean(d);
  const ci = bootstrapMeans({ d }, { resamples, seed, level }).d!;
  const rng = new Rng(seed + 1);
  let extreme = 0;
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += rng.next() < 0.5 ? -d[i]! : d[i]!;
    if (Math.abs(s / n) >= Math.abs(observed) - 1e-12) extreme++;
  }
  return { difference: observed, lo: ci.lo, hi: ci.hi, p: (extreme + 1) / (resamples + 1), users: n };
}

/** Aligns two per-user vectors on the users both evaluated (indexes ascending in both). */
export function alignUsers(
  usersA: Int32Array,
  a: ArrayLike<number>,
  usersB: Int32Array,
  b: ArrayLike<number>,
): [Float64Array, Float64Array] {
  const outA: number[] = [];
  const outB: number[] = [];
  let j = 0;
  for (let i = 0; i < usersA.length; i++) {
    while (j < usersB.length && usersB[j]! < usersA[i]!) j++;
    if (j < usersB.length && usersB[j] === usersA[i]) {
      outA.push(a[i]!);
      outB.push(b[j]!);
    }
  }
  return [Float64Array.from(outA), Float64Array.from(outB)];
}

/**
 * A per-user vector as a typed array, also when it was read back from JSON (a typed array serialises as an
 * object keyed "0", "1", …; the eval JSON writer uses plain arrays).
 */
export function asVector(v: ArrayLike<number> | Record<string, number>): Float64Array {
  if (typeof (v as ArrayLike<number>).length === "number") return Float64Array.from(v as ArrayLike<number>);
  return Float64Array.from(Object.values(v as Record<string, number>));
}
