import { type Line, readLineBatches } from "./line-reader.js";

export interface CsvRecord {
  fields: string[];
  /** Line on which the record starts (records may span lines inside quotes). */
  line: number;
}

/**
 * Splits one CSV line (RFC 4180 quoting) into fields. Returns null when a quoted field is still open at
 * the end of the line, so the caller can join the next line.
 */
export function splitCsvLine(text: string, delimiter = ","): string[] | null {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === delimiter) {
      fields.push(field);
      field = "";
    } else field += c;
  }
  if (quoted) return null;
  fields.push(field);
  return fields;
}

/** Streams CSV records in batches, joining lines inside quoted fields. Blank lines are ignored. */
export async function* readCsvBatches(file: string, delimiter = ","): AsyncGenerator<CsvRecord[]> {
  let pending: Line | null = null;
  for await (const { lines, first } of readLineBatches(file)) {
    const records: CsvRecord[] = [];
    for (let k = 0; k < lines.length; k++) {
      const raw = lines[k]!;
      // Fast path: a line with no quote is split natively.
      if (!pending && !raw.includes('"')) {
        if (raw.trim() !== "") records.push({ fields: raw.split(delimiter), line: first + k });
        continue;
      }
      const current: Line = pending
        ? { text: `${pending.text}\n${raw}`, number: pending.number }
        : { text: raw, number: first + k };
      const fields = splitCsvLine(current.text, delimiter);
      if (fields === null) {
        pending = current;
        continue;
      }
      pending = null;
      if (current.text.trim() !== "") records.push({ fields, line: current.number });
    }
    yield records;
  }
  if (pending) yield [{ fields: [pending.text], line: pending.number }]; // unterminated quote: let the caller reject it
}

/** Streams CSV records, joining lines inside quoted fields. Blank lines are ignored. */
export async function* readCsv(file: string, delimiter = ","): AsyncGenerator<CsvRecord> {
  for await (const batch of readCsvBatches(file, delimiter)) yield* batch;
}
