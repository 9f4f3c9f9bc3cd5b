import { type Item, Progress } from "@tandem/core";
import type { TextEncoder } from "../encoder/text-encoder.js";
import { ItemTextTemplate } from "./item-text.js";

export interface EmbedItemsOptions {
  template: ItemTextTemplate | string;
  /** Items per encoder call (the progress granularity). Default 256. */
  chunkSize?: number;
  progress?: boolean;
}

/** The effective template: cut to the smaller of the configured and the encoder's character limit. */
export function templateFor(encoder: TextEncoder, template: ItemTextTemplate | string, maxChars = 1000) {
  const t = typeof template === "string" ? new ItemTextTemplate(template, maxChars) : template;
  const limit = Math.min(t.maxChars, encoder.maxInputChars ?? Number.POSITIVE_INFINITY);
  return limit === t.maxChars ? t : new ItemTextTemplate(t.template, limit);
}

/** Embeds `items` (rendered through the template) into one row-major matrix, items.length × dim. */
export async function embedItems(
  encoder: TextEncoder,
  items: readonly Item[],
  options: EmbedItemsOptions,
): Promise<Float32Array> {
  const template = templateFor(encoder, options.template);
  const chunk = options.chunkSize ?? 256;
  const out = new Float32Array(items.length * encoder.dim);
  const progress = new Progress(`embed items (${encoder.id})`, items.length, {
    enabled: options.progress ?? false,
  });
  for (let start = 0; start < items.length; start += chunk) {
    const texts = items.slice(start, start + chunk).map((item) => template.render(item));
    const vectors = await encoder.embed(texts);
    for (const [i, v] of vectors.entries()) out.set(v, (start + i) * encoder.dim);
    progress.tick(texts.length);
  }
  return out;
}
