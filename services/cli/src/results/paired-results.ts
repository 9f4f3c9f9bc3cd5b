import { alignUsers, type PairedTest, pairedTest } from "@tandem/eval";
import type { EvalFileResult } from "./result-files.js";

/** Paired test of two results on the users both were judged on (2,000 resamples, seed 42). */
export function pairedResults(a: EvalFileResult, b: EvalFileResult, metric: string): PairedTest {
  const [va, vb] = alignUsers(
    Int32Array.from(a.test.userIndexes),
    a.test.perUser[metric]!,
    Int32Array.from(b.test.userIndexes),
    b.test.perUser[metric]!,
  );
  return pairedTest(va, vb, { resamples: 2000, seed: 42 });
}

/** "+0.0110 [0.0016, 0.0204]". */
export const signedDifference = (t: { difference: number; lo: number; hi: number }) =>
  `${t.difference >= 0 ? "+" : ""}${t.difference.toFixed(4)} [${t.lo.toFixed(4)}, ${t.hi.toFixed(4)}]`;
