import { InvalidArgumentError, Rng } from "@tandem/core";
import type { UserItems } from "../user-items.js";
import { partitionUserItems } from "../user-items-parts.js";
import type { Split } from "./split.js";

/**
 * Random per-user ratio split with a seed: each user's items are shuffled, then cut by the fractions
 * ([train, test] or [train, validation, test], summing to 1). Every user keeps at least one train item.
 */
export function ratioSplit(all: UserItems, fractions: readonly number[], seed: number): Split {
  if (
    fractions.length < 2 ||
    fractions.length > 3 ||
    Math.abs(fractions.reduce((a, b) => a + b, 0) - 1) > 1e-6
  ) {
    throw new InvalidArgumentError(`ratio split needs 2 or 3 fractions summing to 1, got [${fractions}]`);
  }
  const [, fVal, fTest] = fractions.length === 3 ? fractions : [fractions[0]!, 0, fractions[1]!];
  const rng = new Rng(seed);
  const partOf = new Uint8Array(all.items.length);
  for (let u = 0; u < all.numUsers; u++) {
    const start = all.indptr[u]!;
    const n = all.indptr[u + 1]! - start;
    const order = rng.shuffle(Array.from({ length: n }, (_, i) => start + i));
    const nTest = n >= 2 ? Math.round(n * fTest!) : 0;
    const nVal = n >= 3 ? Math.round(n * fVal!) : 0;
    const nTrain = Math.max(1, n - nTest - nVal);
    order.forEach((p, rank) => {
      partOf[p] = rank < nTrain ? 0 : rank < nTrain + nVal ? 1 : 2;
    });
  }
  const [train, validation, test] = partitionUserItems(all, partOf, 3) as [UserItems, UserItems, UserItems];
  return { protocol: "ratio", train, validation, test };
}
