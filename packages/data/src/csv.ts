import { type Line, readLines } from "./line-reader.js";

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

/** Streams CSV records, joining lines inside quoted fields. Blank lines are ignored. */
export async function* readCsv(file: string, delimiter = ","): AsyncGenerator<CsvRecord> {
  let pending: Line | null = null;
  for await (const line of readLines(file)) {
    const current: Line = pending ? { text: `${pending.text}\n${line.text}`, number: pending.number } : line;
    const fields = splitCsvLine(current.text, delimiter);
    if (fields === null) {
      pending = current;
      continue;
    }
    pending = null;
    if (current.text.trim() === "") continue;
    yield { fields, line: current.number };
  }
  if (pending) yield { fields: [pending.text], line: pending.number }; // unterminated quote: let the caller reject it
}
