import { join } from "node:path";
import { userItemsOf } from "@tandem/data";
import { activeUserFilter, refreshedRecord, runNightly, userRecordFor } from "@tandem/nightly";
import { InlineUpdateTrigger, PrecomputeProcessors } from "@tandem/pipeline";
import { DEFERRED_SCALAR, FusionScorer } from "@tandem/rerank";
import { StoreRankingEngine } from "@tandem/serving";
import { MemoryFeatureStore } from "@tandem/store";
import { describe, expect, it } from "vitest";
import { denseSliceConfig } from "./dense-slice.js";

// The embedded mode (memory store, no Redis): the in-process nightly precomputes the active users only,
// and the inline trigger personalises a deferred user right after their first request.
const DAYS = 365; // 30 of the slice's 207 users had an event in the data's last year
const { config } = denseSliceConfig("tandem-active-", (dir) => ({
  nightly: { runsDir: join(dir, "runs"), precomputeActiveDays: DAYS, evalUsers: 50 },
}));

describe("nightly.precomputeActiveDays (in-process nightly, embedded store)", () => {
  it("precomputes active users only; a deferred user gets the fallback, then the full precompute's list", async () => {
    const store = new MemoryFeatureStore();
    const night = await runNightly({ config, store, runId: "active" });
    expect(night.published).toBe(true);
    const { dataset, stage, fusion } = night;
    const active = activeUserFilter(stage!.history, DAYS)!;
    const ids = dataset.users.ids();
    const activeIds = ids.filter((_, u) => active(u));
    const inactiveIds = ids.filter((_, u) => !active(u));
    expect(activeIds.length).toBeGreaterThan(0);
    expect(inactiveIds.length).toBeGreaterThan(activeIds.length);
    // Every user is known to the version (the completeness checks count them), only the active have lists.
    expect(await store.countUsers("active")).toBe(ids.length);
    expect((await store.getUserFeatures(activeIds[0]!))!.candidates!.items.length).toBeGreaterThan(20);
    const deferred = await store.getUserFeatures(inactiveIds[0]!);
    expect(deferred!.candidates!.items).toEqual([]);
    expect(deferred!.vectors).toEqual({});
    expect(deferred!.scalars[DEFERRED_SCALAR]).toBe(1);

    // The embedded wiring: the inline trigger runs the update-user processor code in this process.
    const scorer = new FusionScorer(fusion!);
    const keep = config.nightly.keepCandidates;
    const processors = new PrecomputeProcessors({
      store,
      profiles: {
        build: async (userId, events) => refreshedRecord(stage!, scorer, dataset, userId, events, keep),
      },
    });
    const trigger = new InlineUpdateTrigger(processors);
    const scheduled: string[] = [];
    const engine = new StoreRankingEngine({
      store,
      timeoutMs: 5_000,
      scheduleUpdates: (users) => {
        scheduled.push(...users);
        return trigger.schedule(users);
      },
    });
    const userId = inactiveIds[0]!;
    const first = await engine.recommend({ userId, k: 10 });
    expect(first.mode).toBe("fallback");
    // The cold-start answer (popularity), minus what the request excludes.
    const cold = await engine.recommend({ userId: "never-seen", k: 11 });
    expect(cold.mode).toBe("cold-start");
    expect(first.items).toEqual(cold.items.slice(0, 10));
    const excluded = await engine.recommend({
      userId: inactiveIds[1]!,
      k: 10,
      exclude: [cold.items[0]!.itemId],
    });
    expect(excluded.mode).toBe("fallback");
    expect(excluded.items.map((i) => i.itemId)).toEqual(cold.items.slice(1, 11).map((i) => i.itemId));
    expect(scheduled).toEqual([userId, inactiveIds[1]]);

    await expect.poll(async () => (await engine.recommend({ userId, k: 10 })).mode).toBe("fresh");
    // One refresh per user however often they ask meanwhile.
    expect(scheduled.filter((u) => u === userId)).toHaveLength(1);
    // What a full precompute gives this user: same list, same feature rows (float tolerance).
    const u = dataset.users.index(userId);
    const full = userRecordFor(
      stage!,
      scorer,
      dataset.items.ids(),
      userId,
      u,
      userItemsOf(stage!.history, u),
      keep,
    );
    const got = (await store.getUserFeatures(userId))!;
    expect(got.candidates!.items).toEqual(full.candidates!.items);
    const a = got.candidates!.features;
    const b = full.candidates!.features;
    expect(a.length).toBe(b.length);
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
    const personal = await engine.recommend({ userId, k: 10 });
    expect(personal.items.map((i) => i.itemId)).toEqual(full.candidates!.items.slice(0, 10));
    expect(personal.items.map((i) => i.itemId)).not.toEqual(first.items.map((i) => i.itemId));
  }, 300_000);
});
