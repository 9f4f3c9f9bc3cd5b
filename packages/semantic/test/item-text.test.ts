import { join } from "node:path";
import { defaultConfig, InvalidArgumentError, type Item } from "@tandem/core";
import { genericReader } from "@tandem/data";
import { describe, expect, it } from "vitest";
import { ItemTextTemplate, itemFields, truncate } from "../src/index.js";

const template = "{title}[ ({year})].[ Genres: {genres}.][ Tags: {tags}.][ {description}]";

describe("ItemTextTemplate", () => {
  it("renders MovieLens fields and drops segments with empty fields", () => {
    const item: Item = {
      id: "1",
      title: "Toy Story",
      tags: ["Adventure", "Animation"],
      attributes: { year: 1995 },
      text: { tags: "pixar, fun" },
    };
    expect(new ItemTextTemplate(template).render(item)).toBe(
      "Toy Story (1995). Genres: Adventure, Animation. Tags: pixar, fun.",
    );
    expect(new ItemTextTemplate(template).render({ id: "2", title: "Heat" })).toBe("Heat.");
  });

  it("exposes attributes and free-text fields by name", () => {
    const fields = itemFields({
      id: "3",
      title: "T",
      attributes: { brand: "Acme" },
      text: { description: "d" },
    });
    expect(fields).toMatchObject({ title: "T", brand: "Acme", description: "d", genres: "" });
  });

  it("cuts long text to maxChars, at a word boundary when one is near", () => {
    const long = { id: "4", title: "word ".repeat(100) };
    const out = new ItemTextTemplate("{title}", 52).render(long);
    expect(out.length).toBeLessThanOrEqual(52);
    expect(out.endsWith("word")).toBe(true);
    expect(truncate("abcdefghij", 4)).toBe("abcd");
  });

  it("rejects unbalanced brackets", () => {
    expect(() => new ItemTextTemplate("{title}[ ({year})")).toThrow(InvalidArgumentError);
    expect(() => new ItemTextTemplate("{title}] x")).toThrow(InvalidArgumentError);
    expect(() => new ItemTextTemplate("[[{title}]]")).toThrow(InvalidArgumentError);
  });
});

describe("the default item text", () => {
  const defaults = new ItemTextTemplate(defaultConfig().semantic.textTemplate);

  it("reads as before for MovieLens items (their labels are genres)", () => {
    const item: Item = {
      id: "1",
      title: "Toy Story",
      tags: ["Adventure", "Animation"],
      attributes: { year: 1995 },
      text: { tags: "pixar, fun" },
    };
    expect(defaults.render(item)).toBe(new ItemTextTemplate(template).render(item));
  });

  it("labels a generic catalogue's fields by their names, never as genres", async () => {
    const raw = await genericReader.read(
      join(import.meta.dirname, "..", "..", "data", "test", "fixtures", "generic-csv"),
    );
    const alpha = raw.items.get("a")!;
    expect(alpha.tagsLabel).toBe("Tags");
    expect(defaults.render(alpha)).toBe("Alpha. Tags: x, y. The first item");
    const track: Item = {
      ...alpha,
      text: { artist: "Nina Simone", release_year: "1965", description: "live" },
    };
    expect(defaults.render(track)).toBe("Alpha. Tags: x, y. live Artist: Nina Simone. Release year: 1965.");
  });
});
