import type { Rng } from "@tandem/core";
import type { UserItems } from "@tandem/data";

/** Training windows: left-padded inputs and next-item targets, −1 where there is nothing. */
export interface SeqWindows {
  count: number;
  maxLen: number;
  /** count × maxLen item indexes, −1 = padding. */
  inputs: Int32Array;
  /** count × maxLen next items, −1 = no target. */
  targets: Int32Array;
}

/**
 * Training windows for one epoch. `one`: one window per user (SASRec's one sequence per user, with
 * random crops): half the time the latest maxLen + 1 items, else ending at a uniformly drawn position.
 * `all`: every transition of every user once per epoch: the latest window, then consecutive windows of
 * maxLen transitions further back, their boundaries shifted by a seeded phase each epoch so no
 * transition is always first in its window.
 */
export function sampleWindows(
  history: UserItems,
  maxLen: number,
  rng: Rng,
  mode: "one" | "all" = "one",
): SeqWindows {
  const spans: [number, number][] = [];
  for (let u = 0; u < history.numUsers; u++) {
    const first = history.indptr[u]!;
    const last = history.indptr[u + 1]!;
    if (last - first < 2) continue;
    if (mode === "one") {
      const end = rng.next() < 0.5 ? last : first + 2 + rng.int(last - first - 1);
      spans.push([Math.max(first, end - maxLen - 1), end]);
      continue;
    }
    spans.push([Math.max(first, last - maxLen - 1), last]);
    // Targets first+1 … last−maxLen−1 remain: cover them back to front, the first of these windows
    // overlapping the latest one by the phase.
    if (last - maxLen - 1 <= first) continue;
    for (let end = last - maxLen + rng.int(maxLen); end > first + 1; end -= maxLen)
      spans.push([Math.max(first, end - maxLen - 1), end]);
  }
  const count = spans.length;
  const inputs = new Int32Array(count * maxLen).fill(-1);
  const targets = new Int32Array(count * maxLen).fill(-1);
  spans.forEach(([start, end], w) => {
    const n = end - start - 1; // transitions in this window
    const o = w * maxLen + maxLen - n;
    for (let t = 0; t < n; t++) {
      inputs[o + t] = history.items[start + t]!;
      targets[o + t] = history.items[start + t + 1]!;
    }
  });
  return { count, maxLen, inputs, targets };
}

/** The last maxLen items of each user in `users`, left-padded with −1: the model's input at inference. */
export function lastItems(
  history: Pick<UserItems, "indptr" | "items">,
  users: ArrayLike<number>,
  maxLen: number,
): Int32Array {
  const out = new Int32Array(users.length * maxLen).fill(-1);
  for (let b = 0; b < users.length; b++) {
    const u = users[b]!;
    const end = history.indptr[u + 1]!;
    const start = Math.max(history.indptr[u]!, end - maxLen);
    out.set(history.items.subarray(start, end), b * maxLen + maxLen - (end - start));
  }
  return out;
}
