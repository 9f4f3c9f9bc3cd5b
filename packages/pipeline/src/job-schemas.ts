import { z } from "zod";

/** Job payloads, validated before any work: a payload that fails here fails the same way every time. */
const version = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "a version id ([A-Za-z0-9._-])");
const part = z.string().min(1);

export const embedItemsSchema = z.object({
  version,
  part,
  items: z.array(z.object({ id: z.string().min(1), text: z.string() })).min(1),
});
export const updateUserSchema = z.object({ userId: z.string().min(1), generation: z.number().int().min(0) });
export const precomputeChunkSchema = z.object({ version, part, userIds: z.array(z.string().min(1)) });
export const fanOutSchema = z.object({
  version,
  userIds: z.array(z.string().min(1)),
  chunkSize: z.number().int().positive(),
  step: z.enum(["start", "waiting"]).default("start"),
});
export const trainCfSchema = z.object({ version, part });
export const publishSchema = z.object({
  version,
  /** The version's data watermark: users with later events are refreshed right after the publish. */
  watermark: z.string().optional(),
});

export type EmbedItemsJob = z.infer<typeof embedItemsSchema>;
export type UpdateUserJob = z.infer<typeof updateUserSchema>;
export type PrecomputeChunkJob = z.infer<typeof precomputeChunkSchema>;
export type FanOutJob = z.input<typeof fanOutSchema>;
export type TrainCfJob = z.infer<typeof trainCfSchema>;
export type PublishJob = z.infer<typeof publishSchema>;

/** Job names within the precompute-candidates queue. */
export const CHUNK = "chunk";
export const FAN_OUT = "fan-out";
