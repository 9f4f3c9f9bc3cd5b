import { InvalidArgumentError, UnavailableError } from "@tandem/core";
import { l2Normalize, type TextEncoder } from "./text-encoder.js";

export interface HttpEncoderOptions {
  /** Base URL of an OpenAI-compatible API, e.g. http://localhost:11434/v1; `/embeddings` is appended. */
  url: string;
  model: string;
  apiKey?: string;
  /** Vector size; when omitted it is learnt from the first response (then `dim` is 0 until then). */
  dim?: number;
  batchSize?: number;
  timeoutMs?: number;
  /** Retries after the first attempt on 429, 5xx, timeouts and network errors. */
  retries?: number;
  /** First backoff delay; doubles each retry (with jitter), capped at 30 s. Default 500 ms. */
  backoffMs?: number;
  maxInputChars?: number;
}

interface EmbeddingsResponse {
  data?: { index?: number; embedding?: number[] }[];
}

/** Thrown inside the retry loop for outcomes worth another attempt. */
class Retryable extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Embeddings from any server speaking OpenAI's POST /v1/embeddings (Ollama, vLLM, TEI, OpenAI). Batches
 * the input, aborts slow requests, retries transient failures with exponential backoff and re-normalises
 * the vectors (not every server does). Gives UnavailableError once retries are spent, and
 * InvalidArgumentError at once for other 4xx (a bad model name or key will not fix itself).
 */
export class HttpEncoder implements TextEncoder {
  readonly id: string;
  dim: number;
  readonly maxInputChars: number;
  private readonly endpoint: string;
  private readonly batchSize: number;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;

  constructor(private readonly options: HttpEncoderOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new InvalidArgumentError(`invalid embeddings URL: ${options.url}`);
    }
    this.endpoint = `${base.href.replace(/\/+$/, "")}/embeddings`;
    // The id names the model, not the host: the same model served elsewhere shares cache entries.
    this.id = `http:${options.model}`;
    this.dim = options.dim ?? 0;
    this.batchSize = options.batchSize ?? 32;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 4;
    this.backoffMs = options.backoffMs ?? 500;
    this.maxInputChars = options.maxInputChars ?? 8000;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      out.push(...(await this.request(texts.slice(start, start + this.batchSize))));
    }
    return out;
  }

  private async request(input: readonly string[]): Promise<Float32Array[]> {
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) {
        const delay = Math.min(30_000, this.backoffMs * 2 ** (attempt - 1));
        await sleep(delay * (0.5 + Math.random() / 2));
      }
      try {
        return await this.attempt(input);
      } catch (error) {
        if (!(error instanceof Retryable)) throw error;
        lastError = error;
      }
    }
    throw new UnavailableError(
      `embeddings endpoint ${this.endpoint} failed after ${this.retries + 1} attempts: ${(lastError as Error).message}`,
      { cause: lastError },
    );
  }

  private async attempt(input: readonly string[]): Promise<Float32Array[]> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let response: Response;
    let body: string;
    try {
      response = await fetch(this.endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body: JSON.stringify({ model: this.options.model, input }),
        signal: controller.signal,
      });
      body = await response.text();
    } catch (cause) {
      const reason = controller.signal.aborted ? `timed out after ${this.timeoutMs} ms` : String(cause);
      throw new Retryable(reason, { cause });
    } finally {
      clearTimeout(timer);
    }
    if (response.status === 429 || response.status >= 500)
      throw new Retryable(`HTTP ${response.status}: ${body.slice(0, 200)}`);
    if (!response.ok)
      throw new InvalidArgumentError(
        `embeddings endpoint ${this.endpoint} rejected the request: HTTP ${response.status}: ${body.slice(0, 200)}`,
      );
    return this.parse(body, input.length);
  }

  private parse(body: string, expected: number): Float32Array[] {
    let json: EmbeddingsResponse;
    try {
      json = JSON.parse(body) as EmbeddingsResponse;
    } catch {
      throw new Retryable(`response is not JSON: ${body.slice(0, 200)}`);
    }
    const data = json.data;
    if (!Array.isArray(data) || data.length !== expected)
      throw new Retryable(
        `expected ${expected} embeddings, got ${Array.isArray(data) ? data.length : "none"}`,
      );
    const out = new Array<Float32Array>(expected);
    data.forEach((d, i) => {
      const index = d.index ?? i;
      if (!Array.isArray(d.embedding) || index < 0 || index >= expected)
        throw new Retryable(`malformed embedding at position ${i}`);
      out[index] = l2Normalize(Float32Array.from(d.embedding));
    });
    const dim = out[0]?.length ?? 0;
    if (this.dim === 0) this.dim = dim;
    if (out.some((v) => v === undefined || v.length !== this.dim))
      throw new InvalidArgumentError(
        `embeddings endpoint returned vectors of size ${dim}, expected ${this.dim}`,
      );
    return out;
  }
}
