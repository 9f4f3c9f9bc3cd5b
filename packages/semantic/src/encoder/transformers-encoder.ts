import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { env, type FeatureExtractionPipeline, pipeline } from "@huggingface/transformers";
import { InvalidArgumentError, NotFoundError, UnavailableError } from "@tandem/core";
import { l2Normalize, type TextEncoder } from "./text-encoder.js";

export interface TransformersEncoderOptions {
  /** Hub id (e.g. "Xenova/all-MiniLM-L6-v2"), a folder name under `modelDir`, or a folder path. */
  model: string;
  /** Local models root (`env.localModelPath`). */
  modelDir?: string;
  /** Never download: the model must already be local. */
  offline?: boolean;
  /** Load model_quantized.onnx (int8) instead of model.onnx. Default true. */
  quantized?: boolean;
  batchSize?: number;
  /** Characters kept per text; sentence-transformers usually stop at 256-512 tokens. Default 1500. */
  maxInputChars?: number;
}

/**
 * Any ONNX sentence-transformer through transformers.js feature extraction, mean-pooled over tokens and
 * L2-normalised (the sentence-transformers recipe). The only module that loads transformers.js.
 */
export class TransformersEncoder implements TextEncoder {
  readonly id: string;
  readonly dim: number;
  readonly maxInputChars: number;

  private constructor(
    private readonly extractor: FeatureExtractionPipeline,
    model: string,
    dim: number,
    private readonly batchSize: number,
    maxInputChars: number,
  ) {
    this.id = `transformers:${model}`;
    this.dim = dim;
    this.maxInputChars = maxInputChars;
  }

  static async load(options: TransformersEncoderOptions): Promise<TransformersEncoder> {
    let model = options.model;
    if (!model) throw new InvalidArgumentError("transformers encoder needs a model id or folder");
    // A path to a model folder: serve it as a local model named by its folder.
    if (isAbsolute(model) || model.startsWith(".")) {
      const folder = resolve(model);
      if (!existsSync(folder)) throw new NotFoundError("model", folder);
      env.localModelPath = `${resolve(folder, "..")}/`;
      model = folder.slice(folder.lastIndexOf("/") + 1);
    } else if (options.modelDir) {
      env.localModelPath = options.modelDir.endsWith("/") ? options.modelDir : `${options.modelDir}/`;
    }
    const offline = options.offline ?? false;
    env.allowLocalModels = true;
    env.allowRemoteModels = !offline;
    if (offline && !existsSync(join(env.localModelPath, model))) {
      throw new NotFoundError(
        "model",
        `${join(env.localModelPath, model)} (offline: downloads are disabled)`,
      );
    }
    let extractor: FeatureExtractionPipeline;
    try {
      extractor = (await pipeline("feature-extraction", model, {
        dtype: (options.quantized ?? true) ? "q8" : "fp32",
        local_files_only: offline,
      })) as FeatureExtractionPipeline;
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      if (offline) throw new NotFoundError("model", `${model} (offline): ${message}`);
      throw new UnavailableError(`cannot load transformers model ${model}: ${message}`, { cause });
    }
    const probe = await extractor(["probe"], { pooling: "mean", normalize: true });
    const dim = probe.dims[probe.dims.length - 1] ?? 0;
    return new TransformersEncoder(
      extractor,
      options.model,
      dim,
      options.batchSize ?? 32,
      options.maxInputChars ?? 1500,
    );
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      const batch = texts.slice(start, start + this.batchSize);
      // Padding is masked out of the mean, so a text embeds the same alone or in a batch.
      const tensor = await this.extractor(batch, { pooling: "mean", normalize: true });
      const data = tensor.data as Float32Array;
      for (let i = 0; i < batch.length; i++)
        out.push(l2Normalize(data.slice(i * this.dim, (i + 1) * this.dim)));
      tensor.dispose();
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.extractor.dispose();
  }
}
