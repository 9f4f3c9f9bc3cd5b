import { InvalidArgumentError } from "@tandem/core";
import type { UserItems } from "@tandem/data";

const DAY = 86_400;

/** What one user range of profiles reads; `out` is numUsers × dim, row-major. */
export interface ProfileInputs {
  indptr: Int32Array;
  items: Int32Array;
  times: Float64Array;
  itemVectors: Float32Array;
  dim: number;
  /** Half-life in the history's time unit. */
  halfLife: number;
  out: Float32Array;
}

/**
 * Unit profiles for every user of `history` (numUsers × dim, row-major) from item embeddings
 * (numItems × dim): the direction of Σ 2^(-(tLast - t) / halfLife) v, as UserProfile builds one event at a
 * time. Users without history get a zero row, which scores every item 0. `day` is one day in the
 * history's time unit (`dayUnit`: positions for a log without timestamps).
 */
export function buildProfiles(
  history: UserItems,
  itemVectors: Float32Array,
  dim: number,
  halfLifeDays: number,
  day = DAY,
): Float32Array {
  const inputs = profileInputs(history, itemVectors, dim, halfLifeDays, day);
  profileRows(inputs, 0, history.numUsers);
  return inputs.out;
}

/** Checked inputs with a zeroed output, on ordinary or shared buffers. */
export function profileInputs(
  history: UserItems,
  itemVectors: Float32Array,
  dim: number,
  halfLifeDays: number,
  day = DAY,
  out: Float32Array = new Float32Array(history.numUsers * dim),
): ProfileInputs {
  if (!(halfLifeDays > 0)) throw new InvalidArgumentError(`halfLifeDays must be > 0, got ${halfLifeDays}`);
  const { indptr, items, times } = history;
  return { indptr, items, times, itemVectors, dim, halfLife: halfLifeDays * day, out };
}

/** Writes the profiles of users [from, to) into `inp.out`. */
export function profileRows(inp: ProfileInputs, from: number, to: number): void {
  const { indptr, items, times, itemVectors, dim, halfLife, out } = inp;
  const sum = new Float32Array(dim);
  for (let u = from; u < to; u++) {
    const start = indptr[u]!;
    const end = indptr[u + 1]!;
    if (end === start) continue;
    // Weights relative to the newest event in one pass each: UserProfile's incremental rescaling would
    // cost a second pass over the vector per event (at 25M events, most of the stage fit's profile time).
    let newest = Number.NEGATIVE_INFINITY;
    for (let p = start; p < end; p++) newest = Math.max(newest, times[p]!);
    sum.fill(0);
    for (let p = start; p < end; p++) {
      const w = 2 ** (-(newest - times[p]!) / halfLife);
      const base = items[p]! * dim;
      for (let d = 0; d < dim; d++) sum[d]! += w * itemVectors[base + d]!;
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += sum[d]! * sum[d]!;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dim; d++) out[u * dim + d] = sum[d]! * inv;
  }
}
