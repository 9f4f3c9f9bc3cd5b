import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Item } from "@tandem/core";
import { z } from "zod";
import { readCsvBatches } from "../csv.js";
import { InteractionLogBuilder } from "../interaction-log.js";
import { readLineBatches } from "../line-reader.js";
import type { DatasetReader, RawData, ReadOptions } from "../raw-data.js";
import { RowErrors } from "../row-errors.js";

/**
 * Tandem's documented generic format (docs/data-formats.md):
 * - interactions.csv (header: user,item[,value][,timestamp][,kind]) or interactions.jsonl (one object a line);
 * - optional items.csv (header: id,title[,tags][,any text column...]; tags are '|'-separated) or items.jsonl.
 * `timestamp` is Unix seconds or an ISO-8601 date; when no row has one, the row order is the time order
 * (each row's time is its position) and the result says `time: "order"`.
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
  tagsLabel: z.string().default("Tags"),
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

type RowBatch = { file: string; line: number; row: unknown }[];

async function* jsonlObjects(file: string): AsyncGenerator<RowBatch> {
  for await (const { lines, first } of readLineBatches(file)) {
    const batch: RowBatch = [];
    lines.forEach((text, k) => {
      if (text.trim() === "") return;
      let row: unknown;
      try {
        row = JSON.parse(text);
      } catch {
        row = Symbol.for("invalid-json");
      }
      batch.push({ file, line: first + k, row });
    });
    yield batch;
  }
}

async function* csvObjects(file: string): AsyncGenerator<RowBatch> {
  let header: string[] | null = null;
  for await (const records of readCsvBatches(file)) {
    const batch: RowBatch = [];
    for (const { fields, line } of records) {
      if (!header) header = fields.map((f) => f.trim());
      else batch.push({ file, line, row: csvRow(fields, header) });
    }
    yield batch;
  }
}

interface CsvColumns {
  header: string[];
  width: number;
  user: number;
  item: number;
  value: number;
  timestamp: number;
}

const csvColumns = (fields: string[]): CsvColumns => {
  const header = fields.map((f) => f.trim());
  return {
    header,
    width: header.length,
    user: header.indexOf("user"),
    item: header.indexOf("item"),
    value: header.indexOf("value"),
    timestamp: header.indexOf("timestamp"),
  };
};

/** A CSV record as the object the schema validates (the slow path, for rows the fast one refuses). */
function csvRow(fields: string[], header: string[]): unknown {
  if (fields.length !== header.length)
    return Symbol.for(`expected ${header.length} fields, got ${fields.length}`);
  const row: Record<string, string | number> = {};
  for (let i = 0; i < header.length; i++) {
    const value = fields[i]!;
    row[header[i]!] = header[i] === "value" && value.trim() !== "" ? Number(value) : value;
  }
  if (row["value"] === "") delete row["value"];
  if (row["timestamp"] === "") delete row["timestamp"];
  return row;
}

/** Pushes a row that needs no diagnosis (ids present, value and time numeric or a date); false otherwise. */
function pushFast(
  fields: string[],
  c: CsvColumns,
  order: number,
  builder: InteractionLogBuilder,
  seen: { timed: number },
): boolean {
  const user = c.user >= 0 ? fields[c.user]! : "";
  const item = c.item >= 0 ? fields[c.item]! : "";
  if (user === "" || item === "") return false;
  const rawValue = c.value >= 0 ? fields[c.value]! : "";
  const value = rawValue.trim() === "" ? 1 : Number(rawValue);
  if (!Number.isFinite(value)) return false;
  const rawTime = c.timestamp >= 0 ? fields[c.timestamp] : undefined;
  const ts = toSeconds(rawTime, order);
  if (!Number.isFinite(ts)) return false;
  if (rawTime !== undefined && rawTime !== "") seen.timed++;
  builder.push(user, item, value, ts);
  return true;
}

const symbolReason = (row: unknown) =>
  typeof row === "symbol" ? (row.description === "invalid-json" ? "invalid JSON" : row.description!) : null;

async function readItems(dir: string, errors: RowErrors): Promise<Map<string, Item>> {
  const items = new Map<string, Item>();
  const jsonl = join(dir, "items.jsonl");
  const csv = join(dir, "items.csv");
  const source = existsSync(jsonl) ? "jsonl" : existsSync(csv) ? "csv" : null;
  if (!source) return items;
  const batches = source === "csv" ? csvObjects(csv) : jsonlObjects(jsonl);
  for await (const batch of batches)
    for (const { file, line, row } of batch) {
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
          tagsLabel: "Tags",
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
    const seen = { timed: 0 };
    const push = (file: string, line: number, row: unknown) => {
      const symbol = symbolReason(row);
      if (symbol) {
        errors.reject(file, line, symbol);
        return;
      }
      const parsed = interactionSchema.safeParse(row);
      if (!parsed.success) {
        errors.reject(file, line, describe(parsed.error));
        return;
      }
      const ts = toSeconds(parsed.data.timestamp, order++);
      if (parsed.data.timestamp !== undefined && parsed.data.timestamp !== "") seen.timed++;
      if (!Number.isFinite(ts)) {
        errors.reject(file, line, `timestamp is neither Unix seconds nor a date: ${parsed.data.timestamp}`);
        return;
      }
      builder.push(parsed.data.user, parsed.data.item, parsed.data.value, ts);
    };
    const jsonl = join(dir, "interactions.jsonl");
    if (existsSync(jsonl)) {
      for await (const batch of jsonlObjects(jsonl)) for (const r of batch) push(r.file, r.line, r.row);
    } else {
      // Well-formed CSV rows go straight into the columns; anything else takes the validating path
      // above, which names the problem.
      const csv = join(dir, "interactions.csv");
      let cols: CsvColumns | null = null;
      for await (const records of readCsvBatches(csv)) {
        for (const { fields, line } of records) {
          if (!cols) cols = csvColumns(fields);
          else if (fields.length === cols.width && pushFast(fields, cols, order, builder, seen)) order++;
          else push(csv, line, csvRow(fields, cols.header));
        }
      }
    }
    const log = builder.build();
    // Without an items file every interacted item is its own catalogue entry.
    if (items.size === 0) for (const id of log.items.ids()) items.set(id, { id, title: id });
    const time = log.length > 0 && seen.timed === 0 ? "order" : "timestamps";
    return { format: "generic", items, log, skipped: errors.report, time };
  },
};
