import { InvalidArgumentError } from "@tandem/core";
import { nnz, type UserItems } from "../user-items.js";
import { partitionUserItems } from "../user-items-parts.js";
import type { Split } from "./split.js";

/**
 * Global temporal cut: all interactions sorted by time; the first `fractions[0]` go to train, the next
 * `fractions[1]` to validation, the rest to test. Models never see the future of the cut.
 */
export function temporalSplit(all: UserItems, fractions: readonly number[]): Split {
  if (fractions.length !== 3 || Math.abs(fractions.reduce((a, b) => a + b, 0) - 1) > 1e-6) {
    throw new InvalidArgumentError(`temporal split needs 3 fractions summing to 1, got [${fractions}]`);
  }
  const times = Float64Array.from(all.times).sort();
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * nnz(all)))]!;
  const cutVal = at(fractions[0]!);
  const cutTest = at(fractions[0]! + fractions[1]!);
  const partOf = new Uint8Array(nnz(all));
  for (let p = 0; p < partOf.length; p++) {
    const t = all.times[p]!;
    partOf[p] = t < cutVal ? 0 : t < cutTest ? 1 : 2;
  }
  const [train, validation, test] = partitionUserItems(all, partOf, 3) as [UserItems, UserItems, UserItems];
  return { protocol: "temporal", train, validation, test };
}
