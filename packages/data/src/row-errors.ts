import { DataFormatError } from "@tandem/core";

/** What was skipped while reading, by reason, with a few examples. Never silent: callers print it. */
export interface SkipReport {
  total: number;
  byReason: Record<string, number>;
  examples: string[];
}

export const emptySkipReport = (): SkipReport => ({ total: 0, byReason: {}, examples: [] });

/**
 * Decides what happens to a bad row: by default it throws a DataFormatError naming file and line;
 * with `skip` it is counted in the report and reading goes on.
 */
export class RowErrors {
  readonly report: SkipReport = emptySkipReport();
  constructor(private readonly skip: boolean) {}

  reject(file: string, line: number, reason: string): void {
    const error = new DataFormatError(file, line, reason);
    if (!this.skip) throw error;
    this.report.total++;
    this.report.byReason[reason] = (this.report.byReason[reason] ?? 0) + 1;
    if (this.report.examples.length < 5) this.report.examples.push(error.message);
  }

  /** Counts a row dropped for a documented reason that is not a format error (e.g. unknown item). */
  drop(reason: string, count = 1): void {
    if (count === 0) return;
    this.report.total += count;
    this.report.byReason[reason] = (this.report.byReason[reason] ?? 0) + count;
  }
}

/** Parses a finite number or rejects the row. Returns null when rejected (skip mode). */
export function parseNumber(
  errors: RowErrors,
  file: string,
  line: number,
  raw: string | undefined,
  field: string,
): number | null {
  const value = raw === undefined || raw.trim() === "" ? Number.NaN : Number(raw);
  if (Number.isFinite(value)) return value;
  errors.reject(file, line, `${field} is not a number: ${JSON.stringify(raw ?? "")}`);
  return null;
}
