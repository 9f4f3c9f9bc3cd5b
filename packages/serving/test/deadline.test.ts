import { UnavailableError } from "@tandem/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Deadlines } from "../src/deadline.js";

describe("Deadlines", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("fails a call the store does not answer in time, and passes answers and errors through", async () => {
    const d = new Deadlines(30);
    const started = performance.now();
    await expect(d.run(new Promise(() => {}), "user features")).rejects.toThrow(
      /user features: no answer from the feature store within 30 ms/,
    );
    expect(performance.now() - started).toBeLessThan(500);
    expect(await d.run(Promise.resolve(7), "x")).toBe(7);
    const failed = d.run(Promise.reject(new Error("ECONNREFUSED")), "x");
    await expect(failed).rejects.toBeInstanceOf(UnavailableError);
    await expect(failed).rejects.toThrow(/feature store error: ECONNREFUSED/);
  });

  it("serves many calls with one timer, not one per call", async () => {
    const timers = vi.spyOn(globalThis, "setTimeout");
    const d = new Deadlines(50);
    const hung = Array.from({ length: 3 }, () => d.run(new Promise(() => {}), "hung"));
    for (let i = 0; i < 200; i++) await d.run(Promise.resolve(i), "fast");
    expect(timers.mock.calls.length).toBeLessThanOrEqual(2);
    for (const h of hung) await expect(h).rejects.toBeInstanceOf(UnavailableError);
  });
});
