import { createHash } from "node:crypto";
import { mkdir, open, readFile, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ArtifactError, InvalidArgumentError } from "@tandem/core";

const KEY_BYTES = 32;

/** The cache key of a text: sha256 of its UTF-8 bytes, hex. */
export const textKey = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** File-system-safe name for an encoder id ("Xenova/all-MiniLM-L6-v2" → "Xenova_all-MiniLM-L6-v2"). */
const fileStem = (encoderId: string) => encoderId.replace(/[^A-Za-z0-9._-]/g, "_");

interface Files {
  meta: string;
  keys: string;
  vectors: string;
}

/**
 * Embeddings by (encoder id, sha256 of text), in memory and, when opened on a directory, on disk as two
 * append-only files per encoder: `<id>.keys` (32-byte digests) and `<id>.f32` (dim float32 per row), row
 * i of one matching row i of the other. Appending never rewrites old rows, and a torn final write (crash
 * mid-append) is cut back to the last complete row on open. Loading is two sequential reads.
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
    const files = { meta: `${stem}.json`, keys: `${stem}.keys`, vectors: `${stem}.f32` };
    const cache = new EmbeddingCache(encoderId, dim, files);
    const meta = await readFile(files.meta, "utf8").catch(() => null);
    if (meta === null) {
      await writeFile(files.meta, JSON.stringify({ encoderId, dim, format: "tandem-embeddings-v1" }));
      await writeFile(files.keys, "");
      await writeFile(files.vectors, "");
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

  /** Appends rows added since the last flush to disk. */
  async flush(): Promise<void> {
    if (!this.files || this.pendingKeys.length === 0) return;
    const keys = Buffer.concat(this.pendingKeys);
    const vectors = Buffer.concat(
      this.pendingVectors.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)),
    );
    this.pendingKeys = [];
    this.pendingVectors = [];
    // Vectors first: a crash between the two leaves extra vector bytes, which `load` trims.
    for (const [file, data] of [
      [this.files.vectors, vectors],
      [this.files.keys, keys],
    ] as const) {
      const handle = await open(file, "a");
      try {
        await handle.write(data);
      } finally {
        await handle.close();
      }
    }
  }
}
