import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

/**
 * Starts a worker thread on `entry` (the URL of a `.ts` module beside the caller). From compiled
 * JavaScript it is the `.js` twin; from TypeScript sources (tests, tsx) the worker first registers tsx's
 * loader in its own thread so it can import the .ts entry.
 */
export function spawnWorker(entry: URL, workerData: unknown): Worker {
  if (!entry.href.endsWith(".ts")) return new Worker(entry, { workerData });
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(new URL(entry.href.replace(/\.ts$/, ".js")), { workerData });
  // require.resolve finds the CommonJS build; its ESM twin sits beside it.
  const api = createRequire(import.meta.url)
    .resolve("tsx/esm/api")
    .replace(/\.cjs$/, ".mjs");
  const tsx = pathToFileURL(api).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
