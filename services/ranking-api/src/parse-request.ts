import type { z } from "zod";
import { RequestValidationError } from "./http-errors.js";

/** Parses or throws a RequestValidationError listing every field problem. */
export function parseRequest<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new RequestValidationError(
    result.error.issues.map((i) => ({ path: i.path.join(".") || "(body)", message: i.message })),
  );
}
