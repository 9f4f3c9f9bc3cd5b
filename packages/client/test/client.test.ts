import { type AddressInfo, createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isApiError, TandemApiError, TandemClient, TandemTransportError } from "../src/index.js";
import { ADMIN_KEY, READ_KEY, startLiveApi, WRITE_KEY } from "./live-api.js";

describe("TandemClient against the real API and a real redis-server", () => {
  let api: Awaited<ReturnType<typeof startLiveApi>>;
  let client: TandemClient;
  beforeAll(async () => {
    api = await startLiveApi();
    client = new TandemClient({ baseUrl: api.url, apiKey: READ_KEY, backoffMs: 50 });
  });
  afterAll(() => api.close());

  it("calls every route with typed answers", async () => {
    const rec = await client.recommend({ userId: "u1", k: 2 });
    expect(rec).toMatchObject({ userId: "u1", version: "v1", mode: "precomputed" });
    expect(rec.items.map((i) => i.itemId)).toEqual(["c", "d"]);
    expect(rec.items[0]?.explanation).toBeUndefined();

    const explained = await client.recommend({ userId: "u1", k: 2, explain: true }, { apiKey: ADMIN_KEY });
    expect(Object.keys(explained.items[0]?.explanation ?? {})).toContain("textProfile");

    const ranked = await client.rank({ userId: "u1", itemIds: ["e", "c", "zz"] });
    expect(ranked.items.map((i) => i.itemId).sort()).toEqual(["c", "e"]);
    expect(ranked.unknownItems).toEqual(["zz"]);

    const similar = await client.similar("a", { k: 1 });
    expect(similar).toMatchObject({ itemId: "a", version: "v1" });
    expect(similar.items.map((i) => i.itemId)).toEqual(["b"]);

    const ingested = await client.ingest([{ userId: "u9", itemId: "a", eventId: "e1" }], {
      apiKey: WRITE_KEY,
    });
    expect(ingested).toEqual({ accepted: 1, duplicates: 0, unknownItems: [] });
    const again = await client.ingest([{ userId: "u9", itemId: "a", eventId: "e1" }], { apiKey: WRITE_KEY });
    expect(again).toEqual({ accepted: 0, duplicates: 1, unknownItems: [] });

    expect(await client.eraseUser("u9", { apiKey: ADMIN_KEY })).toEqual({ erased: true });
    expect(await client.health()).toEqual({ status: "ok" });
    expect(await client.ready()).toEqual({ status: "ready", version: "v1" });
    expect(await client.metrics()).toContain("tandem_live_version_info");
    expect((await client.openapi())["openapi"]).toBe("3.1.0");

    const admin = { apiKey: ADMIN_KEY };
    const overview = await client.adminOverview(admin);
    expect(overview.live).toBe("v1");
    expect(overview.versions.map((v) => v.version)).toEqual(["v1"]);
    expect(overview.memory?.usedBytes).toBeGreaterThan(0);
    const user = await client.adminUser("u1", admin);
    expect(user.candidates.map((c) => c.itemId)).toEqual(["c", "d", "e"]);
    expect(await client.adminTitles(["a", "zz"], admin)).toEqual({ a: "Alpha (1995)", zz: null });
    expect(await client.console()).toContain("<title>Tandem console</title>");
  });

  it("throws typed errors carrying the server's code and issues", async () => {
    const invalid = await client.recommend({ userId: "", k: 0 }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(TandemApiError);
    expect(isApiError(invalid, "INVALID_ARGUMENT")).toBe(true);
    expect((invalid as TandemApiError).status).toBe(400);
    expect((invalid as TandemApiError).issues.map((i) => i.path).sort()).toEqual(["k", "userId"]);

    const forbidden = await client.recommend({ userId: "u1", explain: true }).catch((e: unknown) => e);
    expect(isApiError(forbidden, "FORBIDDEN")).toBe(true);
    const unauthorized = await client.ingest([{ userId: "u1", itemId: "a" }]).catch((e: unknown) => e);
    expect(isApiError(unauthorized, "FORBIDDEN")).toBe(true);
    const anonymous = new TandemClient({ baseUrl: api.url });
    const missing = await anonymous.eraseUser("u1").catch((e: unknown) => e);
    expect(isApiError(missing, "UNAUTHORIZED")).toBe(true);
    const unknown = await client.similar("nope").catch((e: unknown) => e);
    expect(isApiError(unknown, "NOT_FOUND")).toBe(true);
  });

  it("retries a 503 with backoff until the store is back", async () => {
    const retries: number[] = [];
    const patient = new TandemClient({
      baseUrl: api.url,
      apiKey: READ_KEY,
      retries: 20,
      backoffMs: 100,
      maxBackoffMs: 300,
      onRetry: (attempt, error) => {
        expect(isApiError(error, "UNAVAILABLE")).toBe(true);
        retries.push(attempt);
      },
    });
    await api.redis.kill();
    const answer = patient.recommend({ userId: "u1", k: 2 });
    // Restart only once the client has seen a 503 and is backing off.
    while (retries.length === 0) await new Promise((r) => setTimeout(r, 20));
    await api.redis.restart();
    const rec = await answer;
    expect(rec.items.map((i) => i.itemId)).toEqual(["c", "d"]);
    expect(retries.length).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it("gives up after its retries with the server's UNAVAILABLE, and does not retry unsafe writes", async () => {
    let seen = 0;
    const impatient = new TandemClient({
      baseUrl: api.url,
      apiKey: READ_KEY,
      retries: 2,
      backoffMs: 10,
      onRetry: () => seen++,
    });
    await api.redis.kill();
    try {
      const down = await impatient.recommend({ userId: "u1" }).catch((e: unknown) => e);
      expect(isApiError(down, "UNAVAILABLE")).toBe(true);
      expect(seen).toBe(2);
      seen = 0;
      // No eventId: a retry could store the event twice, so a 503 is returned at once.
      const write = await impatient
        .ingest([{ userId: "u1", itemId: "a" }], { apiKey: WRITE_KEY })
        .catch((e: unknown) => e);
      expect(isApiError(write, "UNAVAILABLE")).toBe(true);
      expect(seen).toBe(0);
    } finally {
      await api.redis.restart();
    }
  }, 30_000);

  it("times out and reports failed connections as transport errors", async () => {
    // A real socket that accepts and never answers.
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const { port } = silent.address() as AddressInfo;
    const slow = new TandemClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 100, retries: 0 });
    const timedOut = await slow.health().catch((e: unknown) => e);
    silent.close();
    expect(timedOut).toBeInstanceOf(TandemTransportError);
    expect((timedOut as TandemTransportError).kind).toBe("timeout");
    const closed = new TandemClient({ baseUrl: "http://127.0.0.1:1", retries: 0 });
    const refused = await closed.health().catch((e: unknown) => e);
    expect((refused as TandemTransportError).kind).toBe("network");
  });
});
