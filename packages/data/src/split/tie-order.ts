import { InvalidArgumentError } from "@tandem/core";

/**
 * How leave-one-out orders a user's interactions that share a timestamp: "item-id" (the published
 * protocol's (timestamp, item id), the default), "file" (the order of the rows in the files) or
 * `{ random: seed }` (seeded shuffle). Only which item is held out changes; histories stay in time order.
 */
export type TieOrder = "item-id" | "file" | { random: number };

export function parseTieOrder(raw: string): TieOrder {
  if (raw === "item-id" || raw === "file") return raw;
  const m = /^random:(-?\d+)$/.exec(raw);
  if (m) return { random: Number(m[1]) };
  throw new InvalidArgumentError(`tie order must be item-id, file or random:<seed>, got "${raw}"`);
}

export const tieOrderName = (t: TieOrder) => (typeof t === "string" ? t : `random:${t.random}`);
