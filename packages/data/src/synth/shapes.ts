import { InvalidArgumentError } from "@tandem/core";

/** How big a synthetic dataset is: users × items × distinct (user, item) interactions. */
export interface SynthShape {
  name: string;
  users: number;
  items: number;
  interactions: number;
}

/** The public datasets' shapes, so results at size can be set next to published figures. */
export const NAMED_SHAPES: Record<string, SynthShape> = {
  "ml-1m": { name: "ml-1m", users: 6_040, items: 3_706, interactions: 1_000_209 },
  "ml-10m": { name: "ml-10m", users: 69_878, items: 10_677, interactions: 10_000_054 },
  "ml-25m": { name: "ml-25m", users: 162_541, items: 59_047, interactions: 25_000_095 },
};

/** `ml-1m | ml-10m | ml-25m | <users>x<items>x<interactions>` (underscores allowed in numbers). */
export function parseShape(raw: string): SynthShape {
  const named = NAMED_SHAPES[raw];
  if (named) return named;
  const parts = raw.split("x").map((s) => Number(s.replaceAll("_", "")));
  if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new InvalidArgumentError(
      `--shape expects ${Object.keys(NAMED_SHAPES).join(", ")} or <users>x<items>x<interactions>, got "${raw}"`,
    );
  }
  const [users, items, interactions] = parts as [number, number, number];
  return { name: raw, users, items, interactions };
}
