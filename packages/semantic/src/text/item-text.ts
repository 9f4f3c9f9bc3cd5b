import { InvalidArgumentError, type Item } from "@tandem/core";

/** Fields a template can name, from an item: built-ins first, then `text.*`, then `attributes.*`. */
export function itemFields(item: Item): Record<string, string> {
  const fields: Record<string, string> = {
    title: item.title,
    genres: (item.tags ?? []).join(", "),
  };
  for (const [key, value] of Object.entries(item.attributes ?? {})) fields[key] = String(value);
  for (const [key, value] of Object.entries(item.text ?? {})) fields[key] = value;
  return fields;
}

const FIELD = /\{([A-Za-z0-9_]+)\}/g;

/**
 * A compiled item-text template. `{field}` is replaced by the item's value; a `[...]` segment is kept only
 * when every field inside it is non-empty, so "Tags: " never appears without tags. Output is whitespace-
 * collapsed and cut to `maxChars` at a word boundary when possible.
 */
export class ItemTextTemplate {
  private readonly parts: { optional: boolean; text: string }[] = [];

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
  }

  render(item: Item): string {
    const fields = itemFields(item);
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
