import { NotFoundError, TandemError, UnavailableError } from "@tandem/core";
import { FlatIndex, type VectorIndex } from "@tandem/recall";
import {
  type CandidateFeatures,
  FEATURE_INDEX,
  FEATURES,
  isDeferred,
  SIMILAR_KIND,
  similarFromVector,
  statsFromVector,
  vectorFeatures,
} from "@tandem/rerank";
import type { FeatureStore, UserRow } from "@tandem/store";
import { Deadlines } from "./deadline.js";
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
import { allowedBy, mmr, penalisePopularity, type Ranked } from "./post-process.js";
import { RefreshRequests } from "./refresh-requests.js";
import type { VersionContext } from "./version-context.js";
import { VersionSwitch } from "./version-switch.js";

/** Candidate columns that say which recall source proposed an item, and the source's name. */
export const CANDIDATE_SOURCES = [
  ["fromMf", "mf"],
  ["fromPop", "popularity"],
  ["fromCooc", "co-occurrence"],
  ["fromNext", "next-item"],
  ["fromText", "text"],
  ["fromSeq", "sequence"],
] as const;
const DIM = FEATURES.length;
/** User vector kinds /v1/rank reads (those the served version declares). */
const RANK_USER_KINDS = ["mf", "textProfile", "textLast", "seq"] as const;

export interface StoreEngineOptions {
  store: FeatureStore;
  /** Per-call store deadline (config api.storeTimeoutMs). */
  timeoutMs: number;
  /** MiB of item vectors kept in process per version (config api.itemCacheMb). Default 256. */
  itemCacheMb?: number;
  /**
   * Schedules profile updates for users with new events, and for deferred users /recommend served
   * from the fallback (a BullMQ job per user, or in-process: InlineUpdateTrigger).
   */
  scheduleUpdates: (userIds: string[]) => Promise<void>;
  /** How long a client eventId is remembered (config api.eventIdWindowMs). Default: the store's. */
  eventIdWindowMs?: number;
  /** The durable erasure log outside Redis (store.erasureLog): an erasure is recorded there first. */
  erasureLog?: { append(userIds: Iterable<string>): number };
}

/**
 * Serving from precomputed features: one store round trip for the user's candidates (and, for /rank,
 * profile), then typed-array work on catalogue indexes. Nothing neural runs here. Candidates are stored
 * best first by the version's fusion, so /recommend only re-orders when a request option asks.
 */
export class StoreRankingEngine implements RankingEngine {
  private readonly deadlines: Deadlines;
  private readonly versions: VersionSwitch;
  /** Update-user jobs asked for by /recommend on deferred users (deduplicated per process). */
  readonly refreshes: RefreshRequests;
  private similarIndex: {
    version: string;
    index: Promise<{ index: VectorIndex; vectors: Float32Array[] }>;
  } | null = null;

  constructor(private readonly options: StoreEngineOptions) {
    this.deadlines = new Deadlines(options.timeoutMs);
    this.refreshes = new RefreshRequests((userIds) =>
      this.call(options.scheduleUpdates(userIds), "schedule updates"),
    );
    this.versions = new VersionSwitch({
      store: options.store,
      itemCacheBytes: (options.itemCacheMb ?? 256) * 2 ** 20,
      call: (work, what) => this.call(work, what),
    });
  }

  private call<T>(work: Promise<T>, what: string): Promise<T> {
    return this.deadlines.run(work, what);
  }

  /** Ready when the store answers and a version is live (and its context is loaded). */
  async ready(): Promise<{ version: string }> {
    const live = await this.call(this.options.store.liveVersion(), "live version");
    if (!live) throw new UnavailableError("no feature version has been published yet");
    this.versions.observe(live);
    const ctx = await this.versions.serving();
    return { version: ctx.version };
  }

  /** The user's entry in the served version, and that version's context. */
  private async userRow(userId: string, kinds: readonly string[]): Promise<[VersionContext, UserRow | null]> {
    for (let attempt = 0; ; attempt++) {
      const ctx = await this.versions.serving();
      const declared = kinds.filter((k) => k in ctx.userKinds);
      const row = await this.call(
        this.options.store.readUser(userId, { version: ctx.version, vectors: declared }),
        "user features",
      );
      if (row) {
        this.versions.observe(row.live);
        return [ctx, row];
      }
      // The served version was deleted (or nothing is live any more): serve the live one.
      this.versions.lost(ctx.version);
      if (attempt > 0) return [await this.versions.serving(), null];
    }
  }

  async recommend(request: RecommendRequest): Promise<RecommendResponse> {
    const [ctx, row] = await this.userRow(request.userId, []);
    const keep = this.keeper(ctx, request);
    const candidates = row?.candidates;
    if (!candidates || candidates.indexes.length === 0) {
      // A user the nightly knows but did not precompute (inactive): the same cheap answer, and a
      // refresh so the next request is personalised.
      const deferred = row !== null && isDeferred(row.scalars);
      if (deferred) this.refreshes.request(request.userId);
      return {
        userId: request.userId,
        version: ctx.version,
        mode: deferred ? "fallback" : "cold-start",
        items: this.coldStart(ctx, request.k, keep, request.explain === true),
      };
    }
    const explain = request.explain === true;
    const reorder = (request.diversity ?? 0) > 0 || (request.popularityPenalty ?? 0) > 0;
    const ranked = reorder
      ? await this.reordered(ctx, candidates, request, keep)
      : this.inStoredOrder(ctx, candidates, request.k, keep);
    // Refreshed from new events (update-user) after this version was built.
    const fresh = (row.scalars["refreshedAt"] ?? 0) > ctx.createdAt;
    const c = {
      names: FEATURES,
      items: candidates.indexes as unknown as Int32Array,
      values: candidates.features,
    };
    return {
      userId: request.userId,
      version: ctx.version,
      mode: fresh ? "fresh" : "precomputed",
      items: ranked.map((r) => this.item(ctx, c, r, explain)),
    };
  }

  /** The first k kept candidates in stored (fusion) order; only those k are scored. */
  private inStoredOrder(
    ctx: VersionContext,
    c: NonNullable<UserRow["candidates"]>,
    k: number,
    keep: ((index: number) => boolean) | null,
  ): Ranked[] {
    const rows: number[] = [];
    for (let r = 0; r < c.indexes.length && rows.length < k; r++) {
      if (!keep || keep(c.indexes[r]!)) rows.push(r);
    }
    const picked = new Float32Array(rows.length * DIM);
    rows.forEach((r, i) => {
      picked.set(c.features.subarray(r * DIM, (r + 1) * DIM), i * DIM);
    });
    const scores = ctx.scorer.score({ names: FEATURES, items: Int32Array.from(rows), values: picked });
    return rows.map((r, i) => ({ item: ctx.itemIds[c.indexes[r]!]!, score: scores[i]!, row: r }));
  }

  /** Request options that change the order: score every kept candidate, then penalise / diversify. */
  private async reordered(
    ctx: VersionContext,
    c: NonNullable<UserRow["candidates"]>,
    request: RecommendRequest,
    keep: ((index: number) => boolean) | null,
  ): Promise<Ranked[]> {
    const scores = ctx.scorer.score({
      names: FEATURES,
      items: c.indexes as unknown as Int32Array,
      values: c.features,
    });
    let ranked: Ranked[] = [];
    for (let r = 0; r < c.indexes.length; r++) {
      if (!keep || keep(c.indexes[r]!))
        ranked.push({ item: ctx.itemIds[c.indexes[r]!]!, score: scores[r]!, row: r });
    }
    const logPop = (r: Ranked) => c.features[r.row * DIM + FEATURE_INDEX.logPop]!;
    penalisePopularity(ranked, logPop, request.popularityPenalty ?? 0);
    ranked.sort((a, b) => b.score - a.score);
    if ((request.diversity ?? 0) > 0) {
      const pool = ranked.slice(0, Math.max(3 * request.k, 30));
      const vectors = await ctx.items.get(
        pool.map((r) => c.indexes[r.row]!),
        (w) => this.call(w, "item vectors"),
      );
      const text = ctx.items.kinds.indexOf("text");
      const byRow = new Map(pool.map((r, i) => [r.row, vectors[i]![text] ?? null]));
      ranked = mmr(pool, request.k, request.diversity!, (r) => byRow.get(r.row) ?? null);
    }
    return ranked.slice(0, request.k);
  }

  /** Exclusions and tag filters as a test on catalogue indexes; null when the request has none. */
  private keeper(ctx: VersionContext, request: RecommendRequest): ((index: number) => boolean) | null {
    const excluded = new Set<number>();
    for (const id of request.exclude ?? []) {
      const i = ctx.index.get(id);
      if (i !== undefined) excluded.add(i);
    }
    const filter = request.filter;
    if (excluded.size === 0 && !filter) return null;
    return (i) => !excluded.has(i) && allowedBy(filter, ctx.tagsByIndex[i]);
  }

  async rank(request: RankRequest): Promise<RankResponse> {
    const [ctx, row] = await this.userRow(request.userId, RANK_USER_KINDS);
    // A deferred user has no profile vectors yet: rank from item features now, personalise for next time.
    if (row && isDeferred(row.scalars)) this.refreshes.request(request.userId);
    const unknownItems: string[] = [];
    const seen = new Set<number>();
    const known: number[] = [];
    for (const id of request.itemIds) {
      const i = ctx.index.get(id);
      if (i === undefined) unknownItems.push(id);
      else if (!seen.has(i)) {
        seen.add(i);
        known.push(i);
      }
    }
    // Candidate row of each known item, or -1 where its features must be built from vectors.
    const stored = new Map<number, number>();
    const cand = row?.candidates;
    if (cand)
      for (let r = 0; r < cand.indexes.length; r++)
        if (seen.has(cand.indexes[r]!)) stored.set(cand.indexes[r]!, r);
    const values = new Float32Array(known.length * DIM);
    const missing: number[] = [];
    known.forEach((index, r) => {
      const at = stored.get(index);
      if (at === undefined) missing.push(r);
      else values.set(cand!.features.subarray(at * DIM, (at + 1) * DIM), r * DIM);
    });
    if (missing.length > 0) {
      const vectors = await ctx.items.get(
        missing.map((r) => known[r]!),
        (w) => this.call(w, "item vectors"),
      );
      const user = row?.vectors ?? {};
      const kinds = ctx.items.kinds;
      const at = (v: readonly (Float32Array | null)[], kind: string) => v[kinds.indexOf(kind)] ?? null;
      missing.forEach((r, j) => {
        const v = vectors[j]!;
        const item = { mf: at(v, "mf"), text: at(v, "text"), textMf: at(v, "textMf"), seq: at(v, "seq") };
        vectorFeatures(values.subarray(r * DIM, (r + 1) * DIM), user, item, statsFromVector(at(v, "stats")));
      });
    }
    const candidates: CandidateFeatures = { names: FEATURES, items: Int32Array.from(known), values };
    const scores = ctx.scorer.score(candidates);
    const order = Array.from(known.keys()).sort((a, b) => scores[b]! - scores[a]!);
    const explain = request.explain === true;
    return {
      userId: request.userId,
      version: ctx.version,
      items: order
        .slice(0, request.k ?? order.length)
        .map((r) =>
          this.item(ctx, candidates, { item: ctx.itemIds[known[r]!]!, score: scores[r]!, row: r }, explain),
        ),
      unknownItems,
    };
  }

  async similar(itemId: string, k: number) {
    const ctx = await this.versions.serving();
    const key = ctx.index.get(itemId);
    if (key === undefined) throw new NotFoundError("item", itemId);
    const hits = (await this.storedSimilar(ctx, itemId, k)) ?? (await this.scannedSimilar(ctx, key, k));
    if (!hits) return { itemId, version: ctx.version, items: [] };
    const items: ScoredItem[] = [...hits.keys].map((key, i) => ({
      itemId: ctx.itemIds[key]!,
      score: hits.scores[i]!,
      explanation: { textSimilarity: hits.scores[i]! },
      sources: ["text"],
    }));
    return { itemId, version: ctx.version, items };
  }

  /** The list the nightly stored for this item (one small read), when the version has one that deep. */
  private async storedSimilar(ctx: VersionContext, itemId: string, k: number) {
    const depth = (ctx.itemKinds[SIMILAR_KIND] ?? 0) / 2;
    if (k > depth) return null;
    const read = await this.call(
      this.options.store.getItemVectorsAt(ctx.version, SIMILAR_KIND, [itemId]),
      "similar items",
    );
    const vector = read?.vectors[0];
    if (!vector) return null;
    const { keys, scores } = similarFromVector(vector);
    return { keys: keys.slice(0, k), scores: scores.slice(0, k) };
  }

  /** Versions without stored lists (or a deeper k): scan the version's text vectors. */
  private async scannedSimilar(ctx: VersionContext, key: number, k: number) {
    const { index, vectors } = await this.textIndex(ctx);
    const query = vectors[key];
    if (!query || query.length === 0) return null;
    return index.search(query, k, { exclude: new Set([key]) })[0]!;
  }

  /** A text index of the version's catalogue, built on first use (a per-version, in-process cache). */
  private textIndex(ctx: VersionContext) {
    if (this.similarIndex?.version !== ctx.version) {
      const index = (async () => {
        const fetched = await this.call(
          this.options.store.getItemVectorsAt(ctx.version, "text", ctx.itemIds),
          "item vectors",
        );
        if (!fetched) throw new NotFoundError("model", `version ${ctx.version}`);
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
    const served = this.versions.peek();
    if (served) return served.index;
    // Events are kept before anything is published too; then no item is in a live catalogue.
    const live = await this.call(this.options.store.liveVersion(), "live version");
    return live === null ? null : (await this.versions.serving()).index;
  }

  async eraseUser(userId: string): Promise<{ erased: boolean }> {
    // First the durable log, so the erasure survives a Redis that loses its data (or fails right now:
    // the next nightly applies the log, and a retry deletes what Redis still holds).
    this.options.erasureLog?.append([userId]);
    await this.call(this.options.store.deleteUser(userId), "erase user");
    return { erased: true };
  }

  private coldStart(
    ctx: VersionContext,
    k: number,
    keep: ((index: number) => boolean) | null,
    explain: boolean,
  ): ScoredItem[] {
    const items: ScoredItem[] = [];
    for (let i = 0; i < ctx.popular.items.length && items.length < k; i++) {
      const item = ctx.popular.items[i]!;
      if (keep && !keep(ctx.index.get(item) ?? -1)) continue;
      const score = ctx.popular.scores[i]!;
      const out: ScoredItem = { itemId: item, score, sources: ["popularity"] };
      if (explain) out.explanation = { popularity: score };
      items.push(out);
    }
    return items;
  }

  private item(ctx: VersionContext, c: CandidateFeatures, r: Ranked, explain: boolean): ScoredItem {
    const at = r.row * DIM;
    const sources: string[] = [];
    for (const [f, name] of CANDIDATE_SOURCES) if (c.values[at + FEATURE_INDEX[f]]! > 0) sources.push(name);
    const out: ScoredItem = { itemId: r.item, score: r.score, sources };
    if (explain) out.explanation = ctx.scorer.explain(c, r.row);
    return out;
  }
}
