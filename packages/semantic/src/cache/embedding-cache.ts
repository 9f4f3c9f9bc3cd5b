import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, truncate, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { ArtifactError, InvalidArgumentError } from "@tandem/core";

const KEY_BYTES = 32;

/** The cache key of a text: sha256 of its UTF-8 bytes, hex. */
export const textKey = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** File-system-safe name for an encoder id ("Xenova/all-MiniLM-L6-v2" → "Xenova_all-MiniLM-L6-v2"). */
const fileStem = (encoderId: string) => encoderId.replace(/[^A-Za-z0-9._-]/g, "_");

interface Files {
  meta: string;
  /** Legacy single-writer pair (read, never appended to any more). */
  keys: string;
  vectors: string;
  /** This process's own append-only file of rows (created on first flush). */
  own: string;
}

/** Suffix of per-writer row files: `<id>.<writer>.rows`. */
const ROWS = ".rows";

/**
 * Embeddings by (encoder id, sha256 of text), in memory and, when opened on a directory, on disk. Several
 * processes (workers, the nightly) share the directory: each appends only to its own file
 * `<id>.<host>-<pid>-<random>.rows`, whose rows are self-contained (32-byte digest, then dim float32), so
 * concurrent writers can never misalign rows; open() merges every writer's file (and the legacy
 * `<id>.keys` + `<id>.f32` pair). A torn final row (crash, or a writer mid-append) is ignored on read.
 */
export class EmbeddingCache {
  private readonly rows = new Map<string, Float32Array>();
  private pendingKeys: Buffer[] = [];
  private pendingVectors: Float32Array[] = [];

  private constructor(
    readonly encoderId: string,
    readonly dim: number,
    private readonly files: Files | null,
  ) {}

  /** A cache that lives only as long as the process. */
  static inMemory(encoderId: string, dim: number): EmbeddingCache {
    return new EmbeddingCache(encoderId, dim, null);
  }

  /** Opens (or creates) the on-disk cache of `encoderId` under `dir` and loads it into memory. */
  static async open(dir: string, encoderId: string, dim: number): Promise<EmbeddingCache> {
    if (!Number.isInteger(dim) || dim < 1) throw new InvalidArgumentError(`dim must be positive, got ${dim}`);
    await mkdir(dir, { recursive: true });
    const stem = join(dir, fileStem(encoderId));
    const writer = `${hostname().replace(/[^A-Za-z0-9_-]/g, "_")}-${process.pid}-${randomBytes(4).toString("hex")}`;
    const files = {
      meta: `${stem}.json`,
      keys: `${stem}.keys`,
      vectors: `${stem}.f32`,
      own: `${stem}.${writer}${ROWS}`,
    };
    const cache = new EmbeddingCache(encoderId, dim, files);
    const meta = await readFile(files.meta, "utf8").catch(() => null);
    if (meta === null) {
      // "wx": two processes creating the cache at once both succeed, and neither truncates the other's.
      await writeFile(files.meta, JSON.stringify({ encoderId, dim, format: "tandem-embeddings-v2" }), {
        flag: "wx",
      }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "EEXIST") throw error;
      });
      await cache.load();
      return cache;
    }
    let parsed: { encoderId?: unknown; dim?: unknown };
    try {
      parsed = JSON.parse(meta);
    } catch (cause) {
      throw new ArtifactError(`${files.meta} is not valid JSON`, { cause });
    }
    if (parsed.encoderId !== encoderId || parsed.dim !== dim) {
      throw new ArtifactError(
        `${files.meta} holds ${String(parsed.encoderId)} (dim ${String(parsed.dim)}), expected ${encoderId} (dim ${dim})`,
      );
    }
    await cache.load();
    return cache;
  }

  private async load(): Promise<void> {
    const files = this.files!;
    const [keys, vectors] = await Promise.all([
      readFile(files.keys).catch(() => Buffer.alloc(0)),
      readFile(files.vectors).catch(() => Buffer.alloc(0)),
    ]);
    const rowBytes = this.dim * 4;
    const n = Math.min(Math.floor(keys.length / KEY_BYTES), Math.floor(vectors.length / rowBytes));
    if (keys.length !== n * KEY_BYTES) await truncate(files.keys, n * KEY_BYTES);
    if (vectors.length !== n * rowBytes) await truncate(files.vectors, n * rowBytes);
    // One aligned copy of all vectors; rows are views into it.
    const all = new Float32Array(n * this.dim);
    new Uint8Array(all.buffer).set(vectors.subarray(0, n * rowBytes));
    for (let i = 0; i < n; i++) {
      const key = keys.toString("hex", i * KEY_BYTES, (i + 1) * KEY_BYTES);
      this.rows.set(key, all.subarray(i * this.dim, (i + 1) * this.dim));
    }
    const prefix = `${basename(files.meta, ".json")}.`;
    const writers = (await readdir(dirname(files.meta))).filter(
      (f) => f.startsWith(prefix) && f.endsWith(ROWS),
    );
    for (const name of writers.sort()) this.loadRows(await readFile(join(dirname(files.meta), name)));
  }

  /** Rows of one writer's file; a torn last row (that writer crashed or is mid-append) is left out. */
  private loadRows(bytes: Buffer): void {
    const rowBytes = KEY_BYTES + this.dim * 4;
    const n = Math.floor(bytes.length / rowBytes);
    const all = new Float32Array(n * this.dim);
    const view = new Uint8Array(all.buffer);
    for (let i = 0; i < n; i++) {
      const at = i * rowBytes;
      const key = bytes.toString("hex", at, at + KEY_BYTES);
      if (this.rows.has(key)) continue;
      view.set(bytes.subarray(at + KEY_BYTES, at + rowBytes), i * this.dim * 4);
      this.rows.set(key, all.subarray(i * this.dim, (i + 1) * this.dim));
    }
  }

  get size(): number {
    return this.rows.size;
  }

  get(key: string): Float32Array | undefined {
    return this.rows.get(key);
  }

  has(key: string): boolean {
    return this.rows.has(key);
  }

  /** Adds in memory; disk writes wait for `flush`, so a batch costs one append per file. */
  set(key: string, vector: Float32Array): void {
    if (vector.length !== this.dim)
      throw new InvalidArgumentError(`vector has ${vector.length} dims, cache holds ${this.dim}`);
    if (this.rows.has(key)) return;
    this.rows.set(key, vector);
    if (this.files) {
      this.pendingKeys.push(Buffer.from(key, "hex"));
      this.pendingVectors.push(vector);
    }
  }

  /** Appends rows added since the last flush to this process's own file: one write per batch. */
  async flush(): Promise<void> {
    if (!this.files || this.pendingKeys.length === 0) return;
    const parts: Buffer[] = [];
    this.pendingKeys.forEach((key, i) => {
      const v = this.pendingVectors[i]!;
      parts.push(key, Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    });
    this.pendingKeys = [];
    this.pendingVectors = [];
    const handle = await open(this.files.own, "a");
    try {
      const data = Buffer.concat(parts);
      for (let done = 0; done < data.length; ) done += (await handle.write(data, done)).bytesWritten;
    } finally {
      await handle.close();
    }
  }
}
