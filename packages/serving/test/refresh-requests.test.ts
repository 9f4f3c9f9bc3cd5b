import { describe, expect, it } from "vitest";
import { RefreshRequests } from "../src/refresh-requests.js";

describe("RefreshRequests", () => {
  it("asks once per user per window, and again after the window", async () => {
    const asked: string[] = [];
    const r = new RefreshRequests(async (users) => {
      asked.push(...users);
    }, 1000);
    r.request("a", 0);
    r.request("a", 500);
    r.request("b", 600);
    r.request("a", 1000);
    await Promise.resolve();
    expect(asked).toEqual(["a", "b", "a"]);
    expect(r.stats()).toEqual({ requested: 3, failed: 0 });
  });

  it("forgets a failed request so the next one retries, and never throws to the caller", async () => {
    let fail = true;
    const asked: string[] = [];
    const r = new RefreshRequests(async (users) => {
      if (fail) throw new Error("queue down");
      asked.push(...users);
    }, 60_000);
    expect(() => r.request("a", 0)).not.toThrow();
    await new Promise((done) => setTimeout(done, 0));
    fail = false;
    r.request("a", 1);
    await Promise.resolve();
    expect(asked).toEqual(["a"]);
    expect(r.stats()).toEqual({ requested: 2, failed: 1 });
  });

  it("bounds the users it remembers: the oldest is forgotten first", async () => {
    const asked: string[] = [];
    const r = new RefreshRequests(
      async (users) => {
        asked.push(...users);
      },
      60_000,
      2,
    );
    for (const u of ["a", "b", "c", "a", "c"]) r.request(u, 0);
    await Promise.resolve();
    expect(asked).toEqual(["a", "b", "c", "a"]);
  });
});
