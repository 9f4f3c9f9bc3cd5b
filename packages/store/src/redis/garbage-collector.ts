import { isCluster, mastersOf } from "../redis-client.js";
import type { GcOptions } from "../types.js";
import type { RedisStoreContext } from "./store-context.js";

/** Deletes retired and orphaned versions past their grace period, on every master. */
export class GarbageCollector {
  constructor(
    private readonly ctx: RedisStoreContext,
    private readonly retiredGraceMs: number,
    private readonly orphanGraceMs: number,
  ) {}

  async collectGarbage(options: GcOptions = {}): Promise<string[]> {
    const now = options.now ?? Date.now();
    const retiredGrace = options.retiredGraceMs ?? this.retiredGraceMs;
    const orphanGrace = options.orphanGraceMs ?? this.orphanGraceMs;
    const k = this.ctx.keys;
    // Scan before reading the registry: beginVersion registers a version before writing any of its
    // keys, so every version whose keys the scan saw is in the registry read afterwards.
    const present = new Set<string>();
    await this.scanKeys(k.allVersionPatterns, (keys) => {
      for (const key of keys) {
        const version = k.versionOf(key);
        if (version) present.add(version);
      }
    });
    const [versions, retired, live] = await this.ctx.call("collectGarbage", async () => {
      const r = await this.ctx.redis
        .multi()
        .zrange(k.versions, 0, -1, "WITHSCORES")
        .zrange(k.retired, 0, -1, "WITHSCORES")
        .get(k.live)
        .exec();
      return (r ?? []).map((x) => x?.[1]) as [string[], string[], string | null];
    });
    const registered = new Map<string, number>();
    for (let i = 0; i < versions.length; i += 2) registered.set(versions[i]!, Number(versions[i + 1]));
    const retiredAt = new Map<string, number>();
    for (let i = 0; i < retired.length; i += 2) retiredAt.set(retired[i]!, Number(retired[i + 1]));
    const doomed: string[] = [];
    for (const [version, createdAt] of registered) {
      if (version === live) continue;
      const since = retiredAt.get(version);
      if (since !== undefined ? now - since >= retiredGrace : now - createdAt >= orphanGrace)
        doomed.push(version);
    }
    // Keys of versions nobody registered (a writer outlived its own GC) are collected too.
    for (const version of present) {
      if (!registered.has(version) && version !== live && !doomed.includes(version)) doomed.push(version);
    }
    const deleted: string[] = [];
    for (const version of doomed) {
      // Unregister first (atomically refusing the live one), so publish can no longer pick it up.
      const ok = await this.ctx.call("collectGarbage", () =>
        this.ctx.commands.tandemUnregister(k.live, k.versions, k.retired, version),
      );
      if (ok !== 1) continue;
      // Seals first, version slot last: a reader never sees half a version as complete.
      await this.scanKeys(k.versionPatterns(version).reverse(), (keys) => this.unlink(keys));
      this.ctx.codecs.delete(version);
      deleted.push(version);
    }
    return deleted.sort();
  }

  /** SCAN every master for keys matching the patterns, one page at a time. */
  private async scanKeys(patterns: readonly string[], page: (keys: string[]) => void | Promise<void>) {
    const masters = await this.ctx.call("scan", () => mastersOf(this.ctx.redis));
    for (const pattern of patterns) {
      for (const node of masters) {
        let cursor = "0";
        do {
          const [next, keys] = await this.ctx.call("scan", () =>
            node.scan(cursor, "MATCH", pattern, "COUNT", 1000),
          );
          cursor = next;
          if (keys.length > 0) await page(keys);
        } while (cursor !== "0");
      }
    }
  }

  /** Deletes keys that may lie in different slots (one UNLINK per key on a cluster). */
  private async unlink(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const { redis } = this.ctx;
    await this.ctx.call("unlink", async () => {
      if (isCluster(redis)) await Promise.all(keys.map((key) => redis.unlink(key)));
      else await redis.unlink(...keys);
    });
  }
}
