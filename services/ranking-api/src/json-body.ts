import type { FastifyInstance } from "fastify";
import { RequestValidationError } from "./http-errors.js";

/** Keys that could poison prototypes when a body is merged into another object. */
const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

/**
 * The JSON body parser: invalid JSON and prototype-poisoning keys are told apart (fastify's own parser
 * reports both as "not valid JSON"). Bodies without a suspicious key take the plain JSON.parse path.
 */
export function registerJsonParser(app: FastifyInstance): void {
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === "") return done(null, undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return done(
        new RequestValidationError([
          { path: "(body)", message: `not valid JSON: ${(error as Error).message}` },
        ]),
      );
    }
    // A key can also be spelt with \u escapes: those bodies take the full walk too.
    if (!/"(__proto__|constructor|prototype)"|\\u/.test(text)) return done(null, parsed);
    const found = forbiddenKey(parsed, "");
    if (found === null) return done(null, parsed);
    return done(
      new RequestValidationError([
        { path: found.path, message: `the key "${found.key}" is not allowed in a request body` },
      ]),
    );
  });
}

function forbiddenKey(value: unknown, path: string): { path: string; key: string } | null {
  if (value === null || typeof value !== "object") return null;
  for (const [key, child] of Object.entries(value)) {
    const here = path === "" ? key : `${path}.${key}`;
    // `constructor` / `prototype` are only dangerous as objects (constructor.prototype pollution).
    if (key === "__proto__" || (FORBIDDEN.has(key) && child !== null && typeof child === "object"))
      return { path: here, key };
    const deeper = forbiddenKey(child, here);
    if (deeper) return deeper;
  }
  return null;
}
