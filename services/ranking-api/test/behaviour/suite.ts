import { expect, it } from "vitest";
import { ADMIN_KEY, READ_KEY, WRITE_KEY } from "../harness.js";
import type { LiveServers } from "./live-servers.js";
import type { Outcome, Transport } from "./transport.js";

const value = <T>(o: Outcome<T>): T => {
  if (!o.ok) throw new Error(`expected an answer, got ${o.code}: ${o.message}`);
  return o.value;
};
const failure = <T>(o: Outcome<T>) => {
  if (o.ok) throw new Error(`expected an error, got ${JSON.stringify(o.value)}`);
  return o;
};

/**
 * The ranking API's behaviour, whatever the transport: each transport's test file runs this same suite
 * against the same live servers (HTTP and gRPC over one engine and a real redis-server).
 */
export function rankingBehaviour(live: () => LiveServers, transport: () => Transport) {
  it("recommends the published version's top items with their sources", async () => {
    const r = value(await transport().recommend({ userId: "u1", k: 2 }, READ_KEY));
    expect(r).toMatchObject({ userId: "u1", version: "v1", mode: "precomputed" });
    expect(r.items.map((i) => i.itemId)).toEqual(["c", "d"]);
    expect(r.items[0]?.sources.length).toBeGreaterThan(0);
    expect(r.items[0]?.explanation).toBeUndefined();
    const cold = value(await transport().recommend({ userId: "stranger", k: 3 }, READ_KEY));
    expect(cold.mode).toBe("cold-start");
    expect(cold.items.map((i) => i.itemId)).toEqual(["a", "b", "c"]);
  });

  it("applies filters, exclusions and the popularity control", async () => {
    const t = transport();
    const r = value(
      await t.recommend({ userId: "u1", k: 3, exclude: ["c"], filter: { noTags: ["Comedy"] } }, READ_KEY),
    );
    expect(r.items.map((i) => i.itemId)).toEqual(["d"]);
    const plain = value(await t.recommend({ userId: "u1", k: 3 }, READ_KEY));
    const damped = value(await t.recommend({ userId: "u1", k: 3, popularityPenalty: 1 }, READ_KEY));
    expect(damped.items.map((i) => i.score)).not.toEqual(plain.items.map((i) => i.score));
  });

  it("explains only to an admin key", async () => {
    const r = value(await transport().recommend({ userId: "u1", k: 2, explain: true }, ADMIN_KEY));
    expect(Object.keys(r.items[0]?.explanation ?? {})).toContain("textProfile");
    expect(failure(await transport().recommend({ userId: "u1", explain: true }, READ_KEY)).code).toBe(
      "FORBIDDEN",
    );
    expect(
      failure(await transport().rank({ userId: "u1", itemIds: ["a"], explain: true }, READ_KEY)).code,
    ).toBe("FORBIDDEN");
  });

  it("names every invalid field, with the HTTP validation's paths", async () => {
    const bad = failure(await transport().recommend({ userId: "", k: 0 }, READ_KEY));
    expect(bad.code).toBe("INVALID_ARGUMENT");
    expect(bad.issues.map((i) => i.path).sort()).toEqual(["k", "userId"]);
    const tooMany = failure(await transport().recommend({ userId: "u1", k: 51 }, READ_KEY));
    expect(tooMany.issues.map((i) => i.path)).toEqual(["k"]);
  });

  it("reranks the caller's items and reports unknown ones", async () => {
    const r = value(await transport().rank({ userId: "u1", itemIds: ["e", "c", "zz"], k: 1 }, READ_KEY));
    expect(r.items.map((i) => i.itemId)).toEqual(["c"]);
    expect(r.unknownItems).toEqual(["zz"]);
  });

  it("finds similar items, and NOT_FOUND for an unknown item", async () => {
    const r = value(await transport().similar("a", 1, READ_KEY));
    expect(r).toMatchObject({ itemId: "a", version: "v1" });
    expect(r.items.map((i) => i.itemId)).toEqual(["b"]);
    expect(value(await transport().similar("a", undefined, READ_KEY)).items).toHaveLength(4);
    expect(failure(await transport().similar("nope", 1, READ_KEY)).code).toBe("NOT_FOUND");
  });

  it("checks keys: none, unknown and too narrow a scope are refused", async () => {
    const t = transport();
    expect(failure(await t.recommend({ userId: "u1" })).code).toBe("UNAUTHORIZED");
    expect(failure(await t.recommend({ userId: "u1" }, "not-a-key-0123456789")).code).toBe("UNAUTHORIZED");
    expect(failure(await t.ingest([{ userId: "u1", itemId: "a" }], READ_KEY)).code).toBe("FORBIDDEN");
  });

  it("stores an event once per eventId, and refuses events of an erased user", async () => {
    const t = transport();
    const user = `ingest-${t.route("ingest").length}`;
    const events = [{ userId: user, itemId: "a", eventId: "e1" }];
    expect(value(await t.ingest(events, WRITE_KEY))).toEqual({
      accepted: 1,
      duplicates: 0,
      unknownItems: [],
    });
    expect(value(await t.ingest(events, WRITE_KEY))).toEqual({
      accepted: 0,
      duplicates: 1,
      unknownItems: [],
    });
    await live().engine.eraseUser(`${user}-gone`);
    const erased = failure(await t.ingest([{ userId: `${user}-gone`, itemId: "a" }], WRITE_KEY));
    expect(erased.code).toBe("USER_ERASED");
  });

  it("records each call in the shared latency histogram under its route", async () => {
    value(await transport().recommend({ userId: "u1", k: 1 }, READ_KEY));
    const text = await live().metrics.registry.getSingleMetricAsString(
      "tandem_http_request_duration_seconds",
    );
    expect(text).toContain(`route="${transport().route("recommend")}"`);
  });

  it("answers UNAVAILABLE while the store is down, and serves again when it is back", async () => {
    const t = transport();
    await live().redis.kill();
    try {
      expect(failure(await t.recommend({ userId: "u1", k: 2 }, READ_KEY)).code).toBe("UNAVAILABLE");
    } finally {
      await live().redis.restart();
    }
    let back: Outcome<unknown> = { ok: false, code: "", message: "", issues: [] };
    for (let i = 0; i < 100 && !back.ok; i++) {
      back = await t.recommend({ userId: "u1", k: 2 }, READ_KEY);
      if (!back.ok) await new Promise((r) => setTimeout(r, 100));
    }
    expect(back.ok).toBe(true);
  }, 30_000);
}
