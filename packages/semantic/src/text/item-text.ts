import { InvalidArgumentError, type Item } from "@tandem/core";

/** Fields a template can name, from an item: built-ins first, then `text.*`, then `attributes.*`. */
export function itemFields(item: Item): Record<string, string> {
  const fields: Record<string, string> = {
    title: item.title,
    genres: (item.tags ?? []).join(", "),
    tagsLabel: item.tagsLabel ?? "Genres",
  };
  for (const [key, value] of Object.entries(item.attributes ?? {})) fields[key] = String(value);
  for (const [key, value] of Object.entries(item.text ?? {})) fields[key] = value;
  return fields;
}

const FIELD = /\{([A-Za-z0-9_]+)\}/g;

/** Names `{fields}` never repeats: the built-ins and user tags. */
const BUILT_IN = new Set(["title", "genres", "tagsLabel", "tags", "fields"]);

/** "release_date" → "Release date": a field's name as its label in item text. */
const label = (name: string) => {
  const words = name
    .replace(/[_-]+/g, " ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/**
 * A compiled item-text template. `{field}` is replaced by the item's value; a `[...]` segment is kept only
 * when every field inside it is non-empty, so "Tags: " never appears without tags. Output is whitespace-
 * collapsed and cut to `maxChars` at a word boundary when possible.
 */
export class ItemTextTemplate {
  private readonly parts: { optional: boolean; text: string }[] = [];
  /** Fields the template names itself; `{fields}` renders the others. */
  private readonly named: Set<string>;

  constructor(
    readonly template: string,
    readonly maxChars = 1000,
  ) {
    if (!Number.isInteger(maxChars) || maxChars < 1)
      throw new InvalidArgumentError(`maxChars must be a positive integer, got ${maxChars}`);
    let depth = 0;
    let current = "";
    for (const ch of template) {
      if (ch === "[" || ch === "]") {
        if ((ch === "[") === (depth === 1))
          throw new InvalidArgumentError(`unbalanced or nested [ ] in text template: ${template}`);
        if (current) this.parts.push({ optional: depth === 1, text: current });
        current = "";
        depth = ch === "[" ? 1 : 0;
      } else current += ch;
    }
    if (depth !== 0) throw new InvalidArgumentError(`unclosed [ in text template: ${template}`);
    if (current) this.parts.push({ optional: false, text: current });
    this.named = new Set([...template.matchAll(FIELD)].map((m) => m[1]!));
  }

  render(item: Item): string {
    const fields = itemFields(item);
    // Every remaining field labelled by its own name, so non-movie data never reads "Genres: …".
    fields["fields"] = Object.entries(fields)
      .filter(([name, value]) => !BUILT_IN.has(name) && !this.named.has(name) && value.trim() !== "")
      .map(([name, value]) => `${label(name)}: ${value.trim()}.`)
      .join(" ");
    let out = "";
    for (const part of this.parts) {
      let missing = false;
      const text = part.text.replace(FIELD, (_, name: string) => {
        const value = fields[name]?.trim() ?? "";
        if (value === "") missing = true;
        return value;
      });
      if (!(part.optional && missing)) out += text;
    }
    return truncate(out.replace(/\s+/g, " ").trim(), this.maxChars);
  }
}

/** Cuts to `max` characters, backing up to the last space if one is within the final fifth. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return space > max * 0.8 ? cut.slice(0, space) : cut;
}
