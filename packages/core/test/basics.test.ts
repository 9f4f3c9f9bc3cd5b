import { describe, expect, expectTypeOf, it } from "vitest";
import { compareIds, IdMap, markdownTable, NotFoundError, Rng, type TandemError } from "../src/index.js";

describe("IdMap", () => {
  it("maps ids to dense indexes both ways", () => {
    const m = new IdMap("user", ["a", "b"]);
    expect(m.add("c")).toBe(2);
    expect(m.add("a")).toBe(0);
    expect(m.id(1)).toBe("b");
    expect(m.size).toBe(3);
    expect(m.find("zz")).toBeUndefined();
  });

  it("throws a typed NotFoundError for unknown ids", () => {
    const m = new IdMap("user", ["a"]);
    expect(() => m.index("nobody")).toThrow(NotFoundError);
    try {
      m.index("nobody");
    } catch (e) {
      expect((e as TandemError).code).toBe("NOT_FOUND");
      expect((e as Error).message).toBe("unknown user: nobody");
    }
  });
});

describe("Rng", () => {
  it("is reproducible for a seed and differs across seeds", () => {
    const a = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.next()
      )(new Rng(1)),
    );
    const b = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.next()
      )(new Rng(1)),
    );
    const c = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.next()
      )(new Rng(2)),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const x of a) expect(x).toBeGreaterThanOrEqual(0);
  });

  it("has a roughly standard normal", () => {
    const r = new Rng(3);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});

describe("compareIds", () => {
  it("orders integer ids numerically and others lexically", () => {
    expect(["10", "2", "1"].sort(compareIds)).toEqual(["1", "2", "10"]);
    expect(["b", "a10", "a2"].sort(compareIds)).toEqual(["a10", "a2", "b"]);
  });
});

describe("markdownTable", () => {
  it("right-aligns numeric columns", () => {
    const t = markdownTable(
      ["Model", "Recall"],
      [
        ["pop", 0.04426],
        ["itemknn", 0.1],
      ],
    );
    expect(t.split("\n")).toEqual([
      "| Model   | Recall |",
      "|---------|-------:|",
      "| pop     | 0.0443 |",
      "| itemknn | 0.1000 |",
    ]);
  });
});

describe("types", () => {
  it("every error carries a code from the closed set", () => {
    expectTypeOf<TandemError["code"]>().toEqualTypeOf<
      | "CONFIG_INVALID"
      | "DATA_FORMAT"
      | "DATA_EMPTY"
      | "NOT_FOUND"
      | "INVALID_ARGUMENT"
      | "ARTIFACT_INVALID"
      | "UNAVAILABLE"
      | "NON_RETRYABLE"
      | "UNAUTHORIZED"
      | "FORBIDDEN"
      | "RATE_LIMITED"
      | "USER_ERASED"
    >();
  });
});
