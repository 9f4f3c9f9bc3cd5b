import { nnz, type UserItems } from "./user-items.js";

/**
 * Splits a matrix into `parts` matrices by a part number per entry (`partOf[p]` for entry p), keeping
 * each user's (time, item) order: typed arrays in, typed arrays out, no object per interaction (what
 * the splits run on at 25M rows).
 */
export function partitionUserItems(all: UserItems, partOf: Uint8Array, parts: number): UserItems[] {
  const indptrs = Array.from({ length: parts }, () => new Int32Array(all.numUsers + 1));
  for (let u = 0; u < all.numUsers; u++) {
    for (const indptr of indptrs) indptr[u + 1] = indptr[u]!;
    for (let p = all.indptr[u]!; p < all.indptr[u + 1]!; p++) indptrs[partOf[p]!]![u + 1]!++;
  }
  const out = indptrs.map((indptr) => {
    const n = indptr[all.numUsers]!;
    return {
      numUsers: all.numUsers,
      numItems: all.numItems,
      indptr,
      items: new Int32Array(n),
      times: new Float64Array(n),
      values: new Float32Array(n),
    };
  });
  const cursor = new Int32Array(parts);
  for (let p = 0; p < nnz(all); p++) {
    const part = out[partOf[p]!]!;
    const at = cursor[partOf[p]!]!++;
    part.items[at] = all.items[p]!;
    part.times[at] = all.times[p]!;
    part.values[at] = all.values[p]!;
  }
  return out;
}

/** Row-wise union, per user merged by (time, item), `a`'s entry first on a tie: e.g. train + validation. */
export function concatUserItems(a: UserItems, b: UserItems): UserItems {
  const n = nnz(a) + nnz(b);
  const out: UserItems = {
    numUsers: a.numUsers,
    numItems: a.numItems,
    indptr: new Int32Array(a.numUsers + 1),
    items: new Int32Array(n),
    times: new Float64Array(n),
    values: new Float32Array(n),
  };
  let at = 0;
  for (let u = 0; u < a.numUsers; u++) {
    let i = a.indptr[u]!;
    let j = b.indptr[u]!;
    const iEnd = a.indptr[u + 1]!;
    const jEnd = b.indptr[u + 1]!;
    while (i < iEnd || j < jEnd) {
      const takeA =
        j >= jEnd ||
        (i < iEnd &&
          (a.times[i]! < b.times[j]! || (a.times[i] === b.times[j] && a.items[i]! <= b.items[j]!)));
      const [m, p] = takeA ? [a, i++] : [b, j++];
      out.items[at] = m.items[p]!;
      out.times[at] = m.times[p]!;
      out.values[at++] = m.values[p]!;
    }
    out.indptr[u + 1] = at;
  }
  return out;
}
