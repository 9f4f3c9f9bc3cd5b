import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { leaveOneOutSplit, loadDataset, nnz } from "../src/index.js";

// The bundled MovieLens latest-small under the reference ("LlamaRec") protocol.
const dir = join(import.meta.dirname, "..", "..", "..", "data", "ml-latest-small");

describe("reference protocol on ml-latest-small", () => {
  it("keeps exactly 610 users, 3,650 items and 90,274 interactions after 5-core", async () => {
    const d = await loadDataset(dir);
    expect(d.format).toBe("ml-latest");
    expect(d.steps[0]).toEqual({ step: "read", users: 610, items: 9724, interactions: 100836 });
    expect(d.users.size).toBe(610);
    expect(d.items.size).toBe(3650);
    expect(nnz(d.interactions)).toBe(90274);
    const s = leaveOneOutSplit(d.interactions);
    expect([nnz(s.train), nnz(s.validation), nnz(s.test)]).toEqual([89054, 610, 610]);
    expect(d.catalogue.size).toBe(9742);
  });
});
