import { NotFoundError, TandemError, UnavailableError } from "@tandem/core";
import { FlatIndex, type VectorIndex } from "@tandem/recall";
import { type CandidateFeatures, FEATURE_INDEX, FEATURES, vectorFeatures } from "@tandem/rerank";
import type { FeatureStore, UserFeatures } from "@tandem/store";
import { withDeadline } from "./deadline.js";
import type {
  EventInput,
  IngestResult,
  RankingEngine,
  RankRequest,
  RankResponse,
  RecommendRequest,
  RecommendResponse,
  ScoredItem,
} from "./engine.js";
import { ItemVectorCache } from "./item-vector-cache.js";
import { allowedBy, mmr, penalisePopularity, type Ranked } from "./post-process.js";
import { loadVersionContext, statsFromVector, type VersionContext } from "./version-context.js";

const SOURCES = [
  ["fromMf", "mf"],
  ["fromPop", "popularity"],
  ["fromCooc", "co-occurrence"],
  ["fromNext", "next-item"],
  ["fromText", "text"],
] as const;

export interface StoreEngineOptions {
  store: FeatureStore;
  /** Per-call store deadline (config api.storeTimeoutMs). */
  timeoutMs: number;
  /** Item vectors kept in process per version (config api.itemCacheSize). Default 50,000. */
  itemCacheSize?: number;
  /** Schedules profile updates for users with new events (a BullMQ job per user, or in-process). */
  scheduleUpdates: (userIds: string[]) => Promise<void>;
  /** How long a client eventId is remembered (config api.eventIdWindowMs). Default: the store's. */
  eventIdWindowMs?: number;
}

/**
 * Serving from precomputed features: one store round trip for the user's candidates and profile, then
 * typed-array fusion scoring. Nothing neural runs here.
 */
export class StoreRankingEngine implements RankingEngine {
  private context: Promise<VersionContext> | null = null;
  private contextVersion: string | null = null;
  private similarIndex: {
    version: string;
    index: Promise<{ index: VectorIndex; vectors: Float32Array[] }>;
  } | null = null;

  private readonly items: ItemVectorCache;

  constructor(private readonly options: StoreEngineOptions) {
    this.items = new ItemVectorCache(options.store, options.itemCacheSize ?? 50_000);
  }

  private call<T>(work: Promise<T>, what: string): Promise<T> {
    return withDeadline(work, this.options.timeoutMs, what);
  }

  /** The in-memory context of `version`, (re)loaded once when the live version changes. */
  private async contextFor(version: string | null): Promise<VersionContext> {
    const live = version ?? (await this.call(this.options.store.liveVersion(), "live version"));
    if (!live) throw new UnavailableError("no feature version has been published yet");
    if (this.contextVersion !== live || !this.context) {
      this.contextVersion = live;
      this.context = this.call(loadVersionContext(this.options.store, live), "version context");
      this.context.catch(() => {
        this.context = null;
      });
    }
    return this.context;
  }

  async ready(): Promise<{ version: string }> {
    const ctx = await this.contextFor(null);
    return { version: ctx.version };
  }

  async recommend(request: RecommendRequest): Promise<RecommendResponse> {
    const features = await this.call(this.options.store.getUserFeatures(request.userId), "user features");
    const ctx = await this.contextFor(features?.version ?? null);
    const excluded = new Set(request.exclude ?? []);
    const keep = (item: string) => !excluded.has(item) && allowedBy(request.filter, ctx.tags.get(item));

    if (!features?.candidates || features.candidates.items.length === 0) {
      return {
        userId: request.userId,
        version: ctx.version,
        mode: "cold-start",
        items: this.coldStart(ctx, request.k, keep),
      };
    }
    const candidates = toCandidateFeatures(ctx, features);
    const scores = ctx.scorer.score(candidates);
    let ranked: Ranked[] = [];
    features.candidates.items.forEach((item, row) => {
      if (keep(item)) ranked.push({ item, score: scores[row]!, row });
    });
    ranked.sort((a, b) => b.score - a.score);
    const logPop = (r: Ranked) => candidates.values[r.row * FEATURES.length + FEATURE_INDEX.logPop]!;
    penalisePopularity(ranked, logPop, request.popularityPenalty ?? 0);
    ranked.sort((a, b) => b.score - a.score);
    if ((request.diversity ?? 0) > 0) {
      const pool = ranked.slice(0, Math.max(3 * request.k, 30));
      const vectors = await this.items.get(
        ctx.version,
        ["text"],
        pool.map((r) => r.item),
        (w) => this.call(w, "item vectors"),
      );
      const byItem = new Map(pool.map((r) => [r.item, vectors.get(r.item)?.[0] ?? null]));
      ranked = mmr(pool, request.k, request.diversity!, (r) => byItem.get(r.item) ?? null);
    }
    // Refreshed from new events (update-user) after this version was built.
    const fresh = (features.scalars["refreshedAt"] ?? 0) > ctx.createdAt;
    return {
      userId: request.userId,
      version: ctx.version,
      mode: fresh ? "fresh" : "precomputed",
      items: ranked.slice(0, request.k).map((r) => this.explain(ctx, candidates, r)),
    };
  }

  async rank(request: RankRequest): Promise<RankResponse> {
    const features = await this.call(this.options.store.getUserFeatures(request.userId), "user features");
    const ctx = await this.contextFor(features?.version ?? null);
    const unknownItems = request.itemIds.filter((id) => !ctx.index.has(id));
    const known = [...new Set(request.itemIds.filter((id) => ctx.index.has(id)))];
    const precomputed = new Map<string, number>();
    features?.candidates?.items.forEach((item, row) => {
      precomputed.set(item, row);
    });
    const missing = known.filter((id) => !precomputed.has(id));
    const dim = FEATURES.length;
    const values = new Float32Array(known.length * dim);
    if (missing.length > 0) {
      const vectors = await this.items.get(ctx.version, ["mf", "text", "stats"], missing, (w) =>
        this.call(w, "item vectors"),
      );
      const user = {
        mf: features?.vectors["mf"],
        textProfile: features?.vectors["textProfile"],
        textLast: features?.vectors["textLast"],
      };
      const rowOf = new Map(known.map((id, r) => [id, r]));
      missing.forEach((id) => {
        const r = rowOf.get(id)!;
        const [mf, text, stats] = vectors.get(id)!;
        const item = { mf: mf ?? null, text: text ?? null };
        vectorFeatures(values.subarray(r * dim, (r + 1) * dim), user, item, statsFromVector(stats));
      });
    }
    known.forEach((id, r) => {
      const row = precomputed.get(id);
      if (row !== undefined)
        values.set(features!.candidates!.features.subarray(row * dim, (row + 1) * dim), r * dim);
    });
    const candidates: CandidateFeatures = {
      names: FEATURES,
      items: Int32Array.from(known, (id) => ctx.index.get(id)!),
      values,
    };
    const scores = ctx.scorer.score(candidates);
    const ranked = known
      .map((item, row) => ({ item, score: scores[row]!, row }))
      .sort((a, b) => b.score - a.score);
    return {
      userId: request.userId,
      version: ctx.version,
      items: ranked.slice(0, request.k ?? ranked.length).map((r) => this.explain(ctx, candidates, r)),
      unknownItems,
    };
  }

  async similar(itemId: string, k: number) {
    const ctx = await this.contextFor(null);
    const key = ctx.index.get(itemId);
    if (key === undefined) throw new NotFoundError("item", itemId);
    const { index, vectors } = await this.textIndex(ctx);
    const query = vectors[key];
    if (!query) return { itemId, version: ctx.version, items: [] };
    const hits = index.search(query, k, { exclude: new Set([key]) })[0]!;
    const items: ScoredItem[] = [...hits.keys].map((key, i) => ({
      itemId: ctx.itemIds[key]!,
      score: hits.scores[i]!,
      explanation: { textSimilarity: hits.scores[i]! },
      sources: ["text"],
    }));
    return { itemId, version: ctx.version, items };
  }

  /** A text index of the version's catalogue, built on first use (a per-version, in-process cache). */
  private textIndex(ctx: VersionContext) {
    if (this.similarIndex?.version !== ctx.version) {
      const index = (async () => {
        const fetched = await this.call(
          this.options.store.getItemVectors("text", ctx.itemIds),
          "item vectors",
        );
        const flat = new FlatIndex(fetched.dims, ctx.itemIds.length);
        const vectors = fetched.vectors.map((v) => v ?? new Float32Array(0));
        fetched.vectors.forEach((v, key) => {
          if (v) flat.add([key], v);
        });
        return { index: flat as VectorIndex, vectors };
      })();
      this.similarIndex = { version: ctx.version, index };
      index.catch(() => {
        this.similarIndex = null;
      });
    }
    return this.similarIndex.index;
  }

  async ingest(events: EventInput[]): Promise<IngestResult> {
    const now = Date.now() / 1000;
    const catalogue = await this.catalogue();
    const written = this.options.store
      .appendEventsOnce(
        events.map((e) => ({
          user: e.userId,
          item: e.itemId,
          value: e.value ?? 1,
          timestamp: e.timestamp ?? now,
          kind: e.kind ?? "interaction",
          ...(e.eventId !== undefined && { eventId: e.eventId }),
        })),
        this.options.eventIdWindowMs === undefined ? {} : { eventIdWindowMs: this.options.eventIdWindowMs },
      )
      // The store's own typed refusals (erased user, bad event) are the caller's, not an outage.
      .catch((error) =>
        error instanceof TandemError && !(error instanceof UnavailableError) ? error : Promise.reject(error),
      );
    const result = await this.call(written, "append events");
    if (result instanceof TandemError) throw result;
    // Also after a retry that stored nothing new: the first try may have timed out before scheduling.
    // A failure here is a 503 too: the client retries with the same eventIds, which is safe.
    await this.call(
      this.options.scheduleUpdates([...new Set(events.map((e) => e.userId))]),
      "schedule updates",
    );
    const duplicates = result.duplicate.filter(Boolean).length;
    const unknownItems = [...new Set(events.map((e) => e.itemId))].filter((id) => !catalogue?.has(id));
    return { accepted: events.length - duplicates, duplicates, unknownItems };
  }

  /** Item ids of the version this process serves: no store round trip once a context is loaded. */
  private async catalogue(): Promise<ReadonlyMap<string, number> | null> {
    const cached = await this.context?.catch(() => null);
    if (cached) return cached.index;
    // Events are kept before anything is published too; then no item is in a live catalogue.
    const live = await this.call(this.options.store.liveVersion(), "live version");
    return live === null ? null : (await this.contextFor(live)).index;
  }

  async eraseUser(userId: string): Promise<{ erased: boolean }> {
    await this.call(this.options.store.deleteUser(userId), "erase user");
    return { erased: true };
  }

  private coldStart(ctx: VersionContext, k: number, keep: (item: string) => boolean): ScoredItem[] {
    const items: ScoredItem[] = [];
    for (let i = 0; i < ctx.popular.items.length && items.length < k; i++) {
      const item = ctx.popular.items[i]!;
      if (!keep(item)) continue;
      const score = ctx.popular.scores[i]!;
      items.push({ itemId: item, score, explanation: { popularity: score }, sources: ["popularity"] });
    }
    return items;
  }

  private explain(ctx: VersionContext, c: CandidateFeatures, r: Ranked): ScoredItem {
    const row = c.values.subarray(r.row * FEATURES.length, (r.row + 1) * FEATURES.length);
    return {
      itemId: r.item,
      score: r.score,
      explanation: ctx.scorer.explain(c, r.row),
      sources: SOURCES.filter(([f]) => row[FEATURE_INDEX[f]]! > 0).map(([, name]) => name),
    };
  }
}

function toCandidateFeatures(ctx: VersionContext, f: UserFeatures): CandidateFeatures {
  const items = f.candidates!.items;
  return {
    names: FEATURES,
    items: Int32Array.from(items, (id) => ctx.index.get(id) ?? -1),
    values: f.candidates!.features,
  };
}
