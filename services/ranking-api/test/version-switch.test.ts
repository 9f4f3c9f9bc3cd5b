import { StoreRankingEngine } from "@tandem/serving";
import { MemoryFeatureStore } from "@tandem/store";
import { describe, expect, it } from "vitest";
import { publishFixture } from "./fixture.js";

describe("a new version is loaded in the background", () => {
  it("keeps serving the old version while the new context loads, then switches", async () => {
    const store = new MemoryFeatureStore();
    await publishFixture(store, "v1");
    // Hold the new version's context load (its metadata read) until the test releases it.
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const getMetadata = store.getMetadata.bind(store);
    store.getMetadata = async (name) => {
      if ((await store.liveVersion()) === "v2") await gate;
      return getMetadata(name);
    };
    const engine = new StoreRankingEngine({ store, timeoutMs: 5_000, scheduleUpdates: async () => {} });
    const recommend = () => engine.recommend({ userId: "u1", k: 2 });
    expect((await recommend()).version).toBe("v1");

    await publishFixture(store, "v2");
    // Answered at once from v1 (the old engine awaited the new context here, i.e. until release()).
    const during = await Promise.race([
      recommend(),
      new Promise<null>((r) => setTimeout(() => r(null), 1_000)),
    ]);
    expect(during?.version).toBe("v1");
    expect(during?.items.map((i) => i.itemId)).toEqual(["c", "d"]);
    expect((await recommend()).version).toBe("v1");

    release();
    let version = "v1";
    for (let i = 0; i < 100 && version === "v1"; i++) {
      await new Promise((r) => setTimeout(r, 10));
      version = (await recommend()).version;
    }
    expect(version).toBe("v2");
  });

  it("moves to the live version when the one it served is deleted", async () => {
    const store = new MemoryFeatureStore({ retiredGraceMs: 0 });
    await publishFixture(store, "v1");
    const engine = new StoreRankingEngine({ store, timeoutMs: 5_000, scheduleUpdates: async () => {} });
    expect((await engine.recommend({ userId: "u1", k: 2 })).version).toBe("v1");
    await publishFixture(store, "v2");
    await store.collectGarbage({ now: Date.now() + 1_000, retiredGraceMs: 0 });
    expect((await store.listVersions()).map((v) => v.version)).toEqual(["v2"]);
    const r = await engine.recommend({ userId: "u1", k: 2 });
    expect(r.version).toBe("v2");
    expect(r.items.map((i) => i.itemId)).toEqual(["c", "d"]);
  });
});
