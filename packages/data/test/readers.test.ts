import { join } from "node:path";
import { DataFormatError } from "@tandem/core";
import { describe, expect, it } from "vitest";
import {
  genericReader,
  loadDataset,
  movieLens1mReader,
  movieLens100kReader,
  movieLensLatestReader,
  splitCsvLine,
} from "../src/index.js";

const fixture = (name: string) => join(import.meta.dirname, "fixtures", name);

async function rejection(promise: Promise<unknown>): Promise<DataFormatError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataFormatError);
  return error as DataFormatError;
}

describe("CSV", () => {
  it("splits quoted fields with commas and escaped quotes", () => {
    expect(splitCsvLine('1,"American President, The (1995)",Comedy')).toEqual([
      "1",
      "American President, The (1995)",
      "Comedy",
    ]);
    expect(splitCsvLine('a,"say ""hi""",b')).toEqual(["a", 'say "hi"', "b"]);
    expect(splitCsvLine('a,"open')).toBeNull();
  });
});

describe("MovieLens latest (CSV)", () => {
  it("reads movies with year, genres and de-duplicated tags, and ratings", async () => {
    const raw = await movieLensLatestReader.read(fixture("ml-latest-tiny"));
    expect(raw.items.size).toBe(4);
    expect(raw.items.get("1")).toMatchObject({
      title: "Toy Story",
      attributes: { year: 1995 },
      tags: ["Adventure", "Animation", "Children", "Comedy", "Fantasy"],
      text: { tags: "pixar, fun" },
    });
    expect(raw.items.get("2")!.title).toBe("American President, The");
    expect(raw.items.get("4")).toMatchObject({ title: "Unrated Thing", tags: [] });
    expect(raw.log.length).toBe(6);
  });

  it("names file and line of a malformed row", async () => {
    const error = await rejection(movieLensLatestReader.read(fixture("ml-latest-broken")));
    expect(error.file).toBe(join(fixture("ml-latest-broken"), "ratings.csv"));
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/ratings\.csv:3: rating is not a number: "four"/);
  });

  it("skips and reports malformed rows when asked", async () => {
    const raw = await movieLensLatestReader.read(fixture("ml-latest-broken"), { skipMalformed: true });
    expect(raw.log.length).toBe(2);
    expect(raw.skipped.total).toBe(2);
    expect(raw.skipped.examples.join("\n")).toMatch(/ratings\.csv:4: expected 4 fields/);
  });
});

describe("MovieLens 100K", () => {
  it("reads tab-separated ratings and latin-1 items with genre flags", async () => {
    const raw = await movieLens100kReader.read(fixture("ml-100k"));
    expect(raw.log.length).toBe(3);
    expect(raw.items.get("2")).toMatchObject({ title: "Café au lait", tags: ["Comedy", "Romance"] });
    expect(raw.items.get("1")!.tags).toEqual(["Animation", "Children's", "Comedy"]);
  });
});

describe("MovieLens 1M", () => {
  it("reads '::' files and reports the bad row's line", async () => {
    const error = await rejection(movieLens1mReader.read(fixture("ml-1m")));
    expect(error.line).toBe(3);
    const raw = await movieLens1mReader.read(fixture("ml-1m"), { skipMalformed: true });
    expect(raw.log.length).toBe(2);
    expect(raw.items.get("661")!.tags).toEqual(["Animation", "Children's", "Musical"]);
    expect(raw.skipped.byReason).toEqual({ 'rating is not a number: "x"': 1 });
  });
});

describe("generic format", () => {
  it("reads CSV with optional columns, ISO dates and free text", async () => {
    const raw = await genericReader.read(fixture("generic-csv"));
    expect(raw.log.length).toBe(3);
    expect(raw.log.timestamp[0]).toBe(Date.parse("2024-01-01T00:00:00Z") / 1000);
    expect(raw.log.value[1]).toBe(1); // missing value defaults to 1
    expect(raw.items.get("a")).toMatchObject({
      title: "Alpha",
      tags: ["x", "y"],
      text: { description: "The first item" },
    });
    expect(raw.items.get("b")!.title).toBe("Beta, the second");
  });

  it("reads JSONL; numeric ids become strings; row order is time when absent", async () => {
    const raw = await genericReader.read(fixture("generic-jsonl"));
    expect(raw.log.users.ids()).toEqual(["u1", "2"]);
    expect(raw.items.get("a")!.attributes).toEqual({ price: 3 });
    expect(raw.log.timestamp[2]).toBe(2);
  });

  it("rejects invalid JSON, missing fields and bad dates with line numbers", async () => {
    const error = await rejection(genericReader.read(fixture("generic-broken")));
    expect(error.line).toBe(2);
    expect(error.reason).toBe("invalid JSON");
    const raw = await genericReader.read(fixture("generic-broken"), { skipMalformed: true });
    expect(raw.log.length).toBe(1);
    expect(raw.skipped.total).toBe(3);
    expect(Object.keys(raw.skipped.byReason).join("\n")).toMatch(/user: /);
    expect(raw.skipped.examples[2]).toMatch(/:4: timestamp is neither/);
  });
});

describe("loadDataset", () => {
  it("detects the format and drops interactions with items missing from the catalogue", async () => {
    const d = await loadDataset(fixture("ml-latest-tiny"), {
      minUserInteractions: 0,
      minItemInteractions: 0,
    });
    expect(d.format).toBe("ml-latest");
    expect(d.steps.map((s) => s.interactions)).toEqual([6, 5, 5]);
    expect(d.items.ids()).toEqual(["1", "2", "3"]);
    expect(d.itemInfo[2]!.title).toMatch(/^Dr. Strangelove/);
    expect(d.catalogue.size).toBe(4);
  });

  it("applies a rating threshold for implicit feedback", async () => {
    const d = await loadDataset(fixture("ml-latest-tiny"), {
      minUserInteractions: 0,
      minItemInteractions: 0,
      ratingThreshold: 3.5,
    });
    expect(d.interactions.indptr[d.users.size]).toBe(3);
  });

  it("fails clearly on a directory with no known files", async () => {
    await expect(loadDataset(fixture("."))).rejects.toThrow(/no known dataset files/);
    await expect(loadDataset(fixture("missing"))).rejects.toThrow(/unknown dataset/);
  });
});
