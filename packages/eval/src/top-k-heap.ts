/**
 * Bounded min-heap of (score, key) keeping the k best; ties go to the lower key so results are
 * deterministic across backends. Reused across queries to avoid allocation. The one top-k selection:
 * dense score rows (`topK`), sparse accumulators and vector indexes all go through it.
 */
export class TopKHeap {
  private readonly vals: Float64Array;
  private readonly keys: Int32Array;
  private size = 0;

  constructor(readonly k: number) {
    this.vals = new Float64Array(Math.max(k, 0));
    this.keys = new Int32Array(Math.max(k, 0));
  }

  clear(): void {
    this.size = 0;
  }

  private worse(i: number, j: number): boolean {
    const a = this.vals[i]!;
    const b = this.vals[j]!;
    return a < b || (a === b && this.keys[i]! > this.keys[j]!);
  }

  private swap(i: number, j: number): void {
    const v = this.vals[i]!;
    this.vals[i] = this.vals[j]!;
    this.vals[j] = v;
    const key = this.keys[i]!;
    this.keys[i] = this.keys[j]!;
    this.keys[j] = key;
  }

  push(score: number, key: number): void {
    if (this.k === 0 || Number.isNaN(score)) return;
    if (this.size < this.k) {
      let c = this.size++;
      this.vals[c] = score;
      this.keys[c] = key;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!this.worse(c, p)) break;
        this.swap(c, p);
        c = p;
      }
      return;
    }
    const top = this.vals[0]!;
    if (score < top || (score === top && key > this.keys[0]!)) return;
    this.vals[0] = score;
    this.keys[0] = key;
    this.siftDown(0);
  }

  private siftDown(start: number): void {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.size && this.worse(l, m)) m = l;
      if (r < this.size && this.worse(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  /** The score an entry must at least reach to be kept: −Infinity until k entries are held. */
  get floor(): number {
    return this.size < this.k ? Number.NEGATIVE_INFINITY : this.vals[0]!;
  }

  /** Empties the heap into best-first arrays. */
  drain(): { keys: Int32Array; scores: Float32Array } {
    const n = this.size;
    const keys = new Int32Array(n);
    const scores = new Float32Array(n);
    for (let out = n - 1; out >= 0; out--) {
      keys[out] = this.keys[0]!;
      scores[out] = this.vals[0]!;
      this.size--;
      this.vals[0] = this.vals[this.size]!;
      this.keys[0] = this.keys[this.size]!;
      this.siftDown(0);
    }
    return { keys, scores };
  }
}
