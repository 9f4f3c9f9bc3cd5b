import { InvalidArgumentError, type Item } from "@tandem/core";
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
