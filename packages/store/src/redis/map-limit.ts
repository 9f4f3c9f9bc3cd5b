/** Shards handled at once by multi-shard steps (publish, counts): bounded concurrency. */
export const SHARD_CONCURRENCY = 16;

/** Runs `fn` over `items`, at most `limit` at a time, results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  for (let start = 0; start < items.length; start += limit) {
    const chunk = items.slice(start, start + limit);
    const done = await Promise.all(chunk.map(fn));
    done.forEach((r, i) => {
      out[start + i] = r;
    });
  }
  return out;
}
