import { availableParallelism } from "node:os";
import type { SemanticConfig } from "@tandem/core";
import { CachedEncoder } from "../cache/cached-encoder.js";
import { EmbeddingCache } from "../cache/embedding-cache.js";
import { HttpEncoder } from "./http-encoder.js";
import type { TextEncoder } from "./text-encoder.js";
import { TransformersEncoder } from "./transformers-encoder.js";
import { UseLiteEncoder } from "./use-lite-encoder.js";
import { UseLitePool } from "./use-lite-pool.js";

/** The encoder the config names, without a cache. */
export async function createEncoder(
  config: SemanticConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TextEncoder> {
  switch (config.encoder) {
    case "use-lite": {
      const threads = config.threads === 0 ? availableParallelism() : config.threads;
      return threads > 1
        ? UseLitePool.load({ threads, batchSize: config.batchSize })
        : UseLiteEncoder.load({ batchSize: config.batchSize });
    }
    case "transformers":
      return TransformersEncoder.load({
        model: config.modelId,
        ...(config.modelDir ? { modelDir: config.modelDir } : {}),
        offline: config.offline,
        quantized: config.quantized,
        batchSize: config.batchSize,
      });
    case "http": {
      const apiKey = env[config.httpApiKeyEnv];
      const encoder = new HttpEncoder({
        url: config.httpUrl,
        model: config.httpModel,
        ...(apiKey ? { apiKey } : {}),
        batchSize: config.batchSize,
        timeoutMs: config.httpTimeoutMs,
        retries: config.httpRetries,
      });
      // The cache file is per dimension, so learn it now with one probe request.
      await encoder.embed(["probe"]);
      return encoder;
    }
  }
}

/** The configured encoder behind the on-disk embedding cache at `config.cacheDir`. */
export async function createCachedEncoder(
  config: SemanticConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CachedEncoder> {
  const encoder = await createEncoder(config, env);
  const cache = await EmbeddingCache.open(config.cacheDir, encoder.id, encoder.dim);
  return new CachedEncoder(encoder, cache);
}
