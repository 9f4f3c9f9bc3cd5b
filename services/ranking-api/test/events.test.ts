import type { FeatureStore } from "@tandem/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { publishFixture } from "./fixture.js";
import { ADMIN_KEY, storeBackends, testApp, WRITE_KEY } from "./harness.js";

const backends = storeBackends();
const LONG = "u".repeat(256);

describe.each(backends)("events, ids and bodies on the %s store", (_name, makeStore) => {
  let store: FeatureStore;
  let t: ReturnType<typeof testApp>;

  beforeEach(async () => {
    store = makeStore();
    await publishFixture(store);
    t = testApp(store, { bodyLimitBytes: 65_536 });
  });
  afterEach(async () => {
    await t.app.close();
    await store.close();
  });

  const events = (...list: object[]) => t.post("/v1/events", { events: list }, WRITE_KEY);
  const erase = (id: string) =>
    t.app.inject({
      method: "DELETE",
      url: `/v1/users/${encodeURIComponent(id)}`,
      headers: { "x-api-key": ADMIN_KEY },
    });

  it("takes ids of up to 256 characters on every route, and answers 400 (not 414) past that", async () => {
    expect((await events({ userId: LONG, itemId: "a" })).statusCode).toBe(202);
    expect((await erase(LONG)).statusCode).toBe(200);
    expect(await store.erasedUsers()).toEqual([LONG]);
    const tooLong = await erase(`${LONG}x`);
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().issues[0].path).toBe("id");
    // 256 characters that take 6 bytes each once URL-encoded.
    expect((await erase("é".repeat(256))).statusCode).toBe(200);
    const similar = await t.app.inject({ method: "GET", url: `/v1/items/${"i".repeat(256)}/similar` });
    expect(similar.statusCode).toBe(404);
    expect(similar.json().error).toBe("NOT_FOUND");
    const similarTooLong = await t.app.inject({ method: "GET", url: `/v1/items/${"i".repeat(257)}/similar` });
    expect(similarTooLong.statusCode).toBe(400);
    expect((await t.post("/v1/recommend", { userId: LONG })).statusCode).toBe(200);
  });

  it("refuses events for an erased user with USER_ERASED naming them, and stores none of the batch", async () => {
    await erase("gone");
    const r = await events({ userId: "kept", itemId: "a" }, { userId: "gone", itemId: "b" });
    expect(r.statusCode).toBe(409);
    expect(r.json().error).toBe("USER_ERASED");
    expect(r.json().message).toContain('"gone"');
    expect(await store.readUserEvents("gone")).toEqual([]);
    expect(await store.readUserEvents("kept")).toEqual([]);
    expect(t.scheduled).toEqual([]);
  });

  it("rejects absurd timestamps and values field by field", async () => {
    const r = await events(
      { userId: "u1", itemId: "a", timestamp: 1e15 },
      { userId: "u1", itemId: "a", value: 1e308 },
      { userId: "u1", itemId: "a", value: -1e308 },
      { userId: "u1", itemId: "a", timestamp: 700_000_000 },
      { userId: "u1", itemId: "a", eventId: "e".repeat(129) },
    );
    expect(r.statusCode).toBe(400);
    expect(r.json().issues.map((i: { path: string }) => i.path)).toEqual([
      "events.0.timestamp",
      "events.1.value",
      "events.2.value",
      "events.3.timestamp",
      "events.4.eventId",
    ]);
    expect(r.json().issues[0].message).toMatch(/future/);
    expect(r.json().issues[3].message).toMatch(/1995/);
    expect(await store.readUserEvents("u1")).toEqual([]);
    const now = Math.floor(Date.now() / 1000);
    expect((await events({ userId: "u1", itemId: "a", timestamp: now + 3600, value: -5 })).statusCode).toBe(
      202,
    );
  });

  it("reports events for items the catalogue does not know, and stores them", async () => {
    const r = await events({ userId: "u1", itemId: "a" }, { userId: "u1", itemId: "new-item" });
    expect(r.statusCode).toBe(202);
    expect(r.json()).toEqual({ accepted: 2, duplicates: 0, unknownItems: ["new-item"] });
    expect((await store.readUserEvents("u1")).map((e) => e.item)).toEqual(["a", "new-item"]);
  });

  it("stores a retried event once (same userId and eventId), says so, and schedules the update again", async () => {
    const batch = [
      { userId: "u1", itemId: "a", eventId: "e-1" },
      { userId: "u1", itemId: "b", eventId: "e-2" },
    ];
    expect((await events(...batch)).json()).toEqual({ accepted: 2, duplicates: 0, unknownItems: [] });
    const retry = await events(...batch, { userId: "u1", itemId: "c", eventId: "e-3" });
    expect(retry.json()).toEqual({ accepted: 1, duplicates: 2, unknownItems: [] });
    expect((await store.readUserEvents("u1")).map((e) => e.item)).toEqual(["a", "b", "c"]);
    expect(t.scheduled).toEqual([["u1"], ["u1"]]);
  });

  it("tells a __proto__ key from invalid JSON", async () => {
    const send = (payload: string) =>
      t.app.inject({
        method: "POST",
        url: "/v1/events",
        headers: { "content-type": "application/json", "x-api-key": WRITE_KEY },
        payload,
      });
    for (const payload of [
      '{"events": [{"userId": "u1", "itemId": "a", "__proto__": {"admin": true}}]}',
      '{"events": [{"userId": "u1", "itemId": "a", "\\u005f_proto__": {"admin": true}}]}',
    ]) {
      const r = await send(payload);
      expect(r.statusCode).toBe(400);
      expect(r.json().error).toBe("INVALID_ARGUMENT");
      expect(r.json().message).toContain('the key "__proto__" is not allowed');
      expect(r.json().issues[0].path).toBe("events.0.__proto__");
    }
    const bad = await send('{"events": [');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/not valid JSON/);
    expect(await store.readUserEvents("u1")).toEqual([]);
  });
});
