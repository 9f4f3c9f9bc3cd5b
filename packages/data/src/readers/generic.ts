import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Item } from "@tandem/core";
import { z } from "zod";
import { readCsv } from "../csv.js";
import { InteractionLogBuilder } from "../interaction-log.js";
import { readLines } from "../line-reader.js";
import type { DatasetReader, RawData, ReadOptions } from "../raw-data.js";
import { RowErrors } from "../row-errors.js";

/**
 * Tandem's documented generic format (docs/data-formats.md):
 * - interactions.csv (header: user,item[,value][,timestamp][,kind]) or interactions.jsonl (one object a line);
 * - optional items.csv (header: id,title[,tags][,any text column...]; tags are '|'-separated) or items.jsonl.
 * `timestamp` is Unix seconds or an ISO-8601 date; when absent, the row order is the time order.
 */
const interactionSchema = z.object({
  user: z.union([z.string().min(1), z.number()]).transform(String),
  item: z.union([z.string().min(1), z.number()]).transform(String),
  value: z.number().finite().default(1),
  timestamp: z.union([z.number().finite(), z.string().min(1)]).optional(),
  kind: z.string().default("interaction"),
});

const itemSchema = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  title: z.string(),
  text: z.record(z.string(), z.string()).optional(),
  tags: z.array(z.string()).optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

/** Unix seconds from a number or a date string; NaN when neither. */
function toSeconds(raw: number | string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  if (typeof raw === "number") return raw;
  const asNumber = Number(raw);
  if (Number.isFinite(asNumber)) return asNumber;
  return Date.parse(raw) / 1000;
}

const describe = (e: z.ZodError) =>
  e.issues.map((i) => `${i.path.join(".") || "row"}: ${i.message}`).join("; ");

async function* interactionRows(dir: string): AsyncGenerator<{ file: string; line: number; row: unknown }> {
  const jsonl = join(dir, "interactions.jsonl");
  if (existsSync(jsonl)) {
    for await (const { text, number } of readLines(jsonl)) {
      if (text.trim() === "") continue;
      let row: unknown;
      try {
        row = JSON.parse(text);
      } catch {
        row = Symbol.for("invalid-json");
      }
      yield { file: jsonl, line: number, row };
    }
    return;
  }
  const csv = join(dir, "interactions.csv");
  yield* csvObjects(csv);
}

async function* csvObjects(file: string): AsyncGenerator<{ file: string; line: number; row: unknown }> {
  let header: string[] | null = null;
  for await (const { fields, line } of readCsv(file)) {
    if (!header) {
      header = fields.map((f) => f.trim());
      continue;
    }
    if (fields.length !== header.length) {
      yield { file, line, row: Symbol.for(`expected ${header.length} fields, got ${fields.length}`) };
      continue;
    }
    const row: Record<string, string | number> = {};
    header.forEach((name, i) => {
      const value = fields[i]!;
      row[name] = name === "value" && value.trim() !== "" ? Number(value) : value;
    });
    if (row["value"] === "") delete row["value"];
    if (row["timestamp"] === "") delete row["timestamp"];
    yield { file, line, row };
  }
}

const symbolReason = (row: unknown) =>
  typeof row === "symbol" ? (row.description === "invalid-json" ? "invalid JSON" : row.description!) : null;

async function readItems(dir: string, errors: RowErrors): Promise<Map<string, Item>> {
  const items = new Map<string, Item>();
  const jsonl = join(dir, "items.jsonl");
  const csv = join(dir, "items.csv");
  const source = existsSync(jsonl) ? "jsonl" : existsSync(csv) ? "csv" : null;
  if (!source) return items;
  const rows =
    source === "csv"
      ? csvObjects(csv)
      : (async function* () {
          for await (const { text, number } of readLines(jsonl)) {
            if (text.trim() === "") continue;
            let row: unknown;
            try {
              row = JSON.parse(text);
            } catch {
              row = Symbol.for("invalid-json");
            }
            yield { file: jsonl, line: number, row };
          }
        })();
  for await (const { file, line, row } of rows) {
    const symbol = symbolReason(row);
    if (symbol) {
      errors.reject(file, line, symbol);
      continue;
    }
    let candidate = row as Record<string, unknown>;
    if (source === "csv") {
      const { id, title, tags, ...rest } = candidate as Record<string, string>;
      candidate = {
        id,
        title: title ?? "",
        tags: tags ? tags.split("|").filter(Boolean) : [],
        text: Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== "")),
      };
    }
    const parsed = itemSchema.safeParse(candidate);
    if (!parsed.success) {
      errors.reject(file, line, describe(parsed.error));
      continue;
    }
    items.set(parsed.data.id, parsed.data as Item);
  }
  return items;
}

export const genericReader: DatasetReader = {
  format: "generic",
  detect: (dir) => existsSync(join(dir, "interactions.csv")) || existsSync(join(dir, "interactions.jsonl")),
  async read(dir: string, options: ReadOptions = {}): Promise<RawData> {
    const errors = new RowErrors(options.skipMalformed ?? false);
    const items = await readItems(dir, errors);
    const builder = new InteractionLogBuilder();
    let order = 0;
    for await (const { file, line, row } of interactionRows(dir)) {
      const symbol = symbolReason(row);
      if (symbol) {
        errors.reject(file, line, symbol);
        continue;
      }
      const parsed = interactionSchema.safeParse(row);
      if (!parsed.success) {
        errors.reject(file, line, describe(parsed.error));
        continue;
      }
      const ts = toSeconds(parsed.data.timestamp, order++);
      if (!Number.isFinite(ts)) {
        errors.reject(file, line, `timestamp is neither Unix seconds nor a date: ${parsed.data.timestamp}`);
        continue;
      }
      builder.push(parsed.data.user, parsed.data.item, parsed.data.value, ts);
    }
    const log = builder.build();
    // Without an items file every interacted item is its own catalogue entry.
    if (items.size === 0) for (const id of log.items.ids()) items.set(id, { id, title: id });
    return { format: "generic", items, log, skipped: errors.report };
  },
};
