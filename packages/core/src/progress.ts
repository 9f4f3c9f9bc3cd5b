/**
 * Progress for long work, on stderr so stdout stays machine-readable. On a TTY it redraws one line with
 * count, rate and ETA; otherwise it prints a line at most every `intervalMs` and once at the end.
 */
export interface ProgressOptions {
  /** Where to write; default process.stderr. */
  stream?: NodeJS.WriteStream;
  /** Minimum time between non-TTY lines; default 2000 ms. */
  intervalMs?: number;
  /** Set false to silence (tests, --quiet). Default true. */
  enabled?: boolean;
}

export class Progress {
  private done = 0;
  private readonly started = Date.now();
  private lastPrint = 0;
  private readonly stream: NodeJS.WriteStream;
  private readonly intervalMs: number;
  private readonly enabled: boolean;
  private suffix = "";

  constructor(
    readonly label: string,
    readonly total: number,
    options: ProgressOptions = {},
  ) {
    this.stream = options.stream ?? process.stderr;
    this.intervalMs = options.intervalMs ?? 2000;
    this.enabled = options.enabled ?? true;
  }

  /** Advance by `n` and optionally replace the trailing status (e.g. "val NDCG@10 0.041"). */
  tick(n = 1, status?: string): void {
    this.done += n;
    if (status !== undefined) this.suffix = status;
    const now = Date.now();
    const tty = this.stream.isTTY === true;
    if (!this.enabled || (now - this.lastPrint < (tty ? 100 : this.intervalMs) && this.done < this.total))
      return;
    this.lastPrint = now;
    this.stream.write(tty ? `\r${this.line()}\x1b[K` : `${this.line()}\n`);
    if (tty && this.done >= this.total) this.stream.write("\n");
  }

  /**
   * Ends the bar before its total (early stopping): always prints, and the count stays where the work
   * actually stopped ("14/60"), never filled up to the total.
   */
  stop(status: string): void {
    this.suffix = status;
    if (!this.enabled) return;
    const tty = this.stream.isTTY === true;
    this.stream.write(tty ? `\r${this.line()}\x1b[K\n` : `${this.line()}\n`);
  }

  line(): string {
    const elapsed = (Date.now() - this.started) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const eta = rate > 0 ? Math.max(0, (this.total - this.done) / rate) : 0;
    const pct = this.total > 0 ? Math.floor((100 * this.done) / this.total) : 100;
    const width = 20;
    const filled = Math.min(width, Math.round((width * pct) / 100));
    const bar = "#".repeat(filled) + "-".repeat(width - filled);
    const tail = this.suffix ? `  ${this.suffix}` : "";
    return `${this.label} [${bar}] ${this.done}/${this.total} ${pct}%  ${elapsed.toFixed(1)}s  eta ${eta.toFixed(1)}s${tail}`;
  }
}
