import { UnavailableError } from "@tandem/core";
import type { FeatureStore } from "@tandem/store";
import { loadVersionContext, type VersionContext } from "./version-context.js";

export interface VersionSwitchOptions {
  store: FeatureStore;
  /** Bytes of item vectors kept per version. */
  itemCacheBytes: number;
  call: <T>(work: Promise<T>, what: string) => Promise<T>;
}

/**
 * The version the engine serves. A newer live version (seen in any read) is loaded in the background,
 * its item vectors prefetched when they fit the cache, and only then swapped in; until then requests
 * keep reading the version they serve. Only the very first load (or losing the served version) waits.
 */
export class VersionSwitch {
  private current: VersionContext | null = null;
  private loading: { version: string; ready: Promise<VersionContext> } | null = null;
  private failedAt = 0;
  /** The newest version asked for: an older load finishing late does not replace it. */
  private wanted = "";

  constructor(private readonly options: VersionSwitchOptions) {}

  /** The context to serve now: the current one, else (first request, or lost) the live one, awaited. */
  async serving(): Promise<VersionContext> {
    if (this.current) return this.current;
    const live = await this.options.call(this.options.store.liveVersion(), "live version");
    if (!live) throw new UnavailableError("no feature version has been published yet");
    return this.load(live, false);
  }

  /** The context served now, if one is loaded (no store round trip). */
  peek(): VersionContext | null {
    return this.current;
  }

  /** A read saw `live`: start loading it if it is not what is served (no wait). */
  observe(live: string): void {
    if (live === this.current?.version || this.loading?.version === live) return;
    // After a failed load, retry at most once a second rather than on every request.
    if (Date.now() - this.failedAt < 1000) return;
    this.load(live, true).catch(() => {});
  }

  /** The served version is gone from the store: forget it, so the next request loads the live one. */
  lost(version: string): void {
    if (this.current?.version === version) this.current = null;
  }

  private load(version: string, prefetch: boolean): Promise<VersionContext> {
    if (this.loading?.version === version) return this.loading.ready;
    const { store, itemCacheBytes, call } = this.options;
    const ready = (async () => {
      const ctx = await call(loadVersionContext(store, version, itemCacheBytes), "version context");
      if (prefetch) {
        await ctx.items.prefetch((w) => call(w, "item vectors"), floatsOf(ctx));
      }
      return ctx;
    })();
    const entry = { version, ready };
    this.loading = entry;
    this.wanted = version;
    ready.then(
      (ctx) => {
        if (this.loading === entry) this.loading = null;
        if (ctx.version === this.wanted || !this.current) this.current = ctx;
        // The first load is awaited by a request: warm its item vectors afterwards instead.
        if (!prefetch) ctx.items.prefetch((w) => call(w, "item vectors"), floatsOf(ctx)).catch(() => {});
      },
      () => {
        if (this.loading === entry) this.loading = null;
        this.failedAt = Date.now();
      },
    );
    return ready;
  }
}

const floatsOf = (ctx: VersionContext) => ctx.items.kinds.reduce((s, k) => s + (ctx.itemKinds[k] ?? 0), 0);
