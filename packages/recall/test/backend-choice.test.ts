import { describe, expect, it } from "vitest";
import { backendFor } from "../src/index.js";

describe("vector backend by catalogue size", () => {
  it("auto is exact flat up to the limit and HNSW above it; explicit choices win", () => {
    expect(backendFor("auto", 3_650, 20_000).name).toBe("flat");
    expect(backendFor("auto", 20_000, 20_000).name).toBe("flat");
    expect(backendFor("auto", 59_047, 20_000).name).toBe("usearch");
    expect(backendFor("flat", 59_047, 20_000).name).toBe("flat");
    expect(backendFor("usearch", 10, 20_000).name).toBe("usearch");
  });
});
