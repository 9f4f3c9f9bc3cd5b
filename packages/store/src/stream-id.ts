/** Stream ids "<ms>-<seq>" (Redis streams and the memory store's imitation), compared numerically. */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split("-").map(Number);
  const [bm = 0, bs = 0] = b.split("-").map(Number);
  return am - bm || as - bs;
}

/** The stream id before which nothing exists: no events are older. */
export const STREAM_START = "0-0";
