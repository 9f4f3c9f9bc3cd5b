import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataFormatError } from "@tandem/core";
import { describe, expect, it } from "vitest";
import { ErasureLog } from "../src/index.js";

describe("ErasureLog", () => {
  it("appends new ids only, in order, and survives a torn last line", () => {
    const path = join(mkdtempSync(join(tmpdir(), "tandem-erasure-")), "sub", "erasures.jsonl");
    const log = new ErasureLog(path);
    expect(log.read()).toEqual([]);
    expect(log.append(["b", "a", "b"])).toBe(2);
    expect(log.append(["a", "c"])).toBe(1);
    expect(new ErasureLog(path).read()).toEqual(["b", "a", "c"]);
    expect(readFileSync(path, "utf8").trim().split("\n")).toHaveLength(3);
    appendFileSync(path, '{"user": "d"'); // a crash mid-write
    expect(log.read()).toEqual(["b", "a", "c"]);
    appendFileSync(path, '\n{"user": 5}\n');
    expect(() => log.read()).toThrow(DataFormatError);
  });
});
