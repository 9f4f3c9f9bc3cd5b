import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/** Line → source file of a bundle, from the `// path/to/file.ts` comments esbuild writes per module. */
function bundleSources(file: string): (line: number) => string {
  const marks: [number, string][] = [];
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((l, i) => {
      const m = /^\/\/ ((?:packages|services)\/\S+\.ts)$/.exec(l);
      if (m) marks.push([i, m[1]!]);
    });
  return (line) => {
    let found = "";
    for (const [at, src] of marks) {
      if (at > line) break;
      found = src;
    }
    return found;
  };
}

const isBundle = (url: string) => /\/services\/[^/]+\/dist\/main\.js$/.test(url);

function category(url: string, fn: string, bundled: (url: string, line: number) => string, line: number) {
  if (fn === "(garbage collector)") return "GC";
  if (fn === "(idle)") return "idle";
  if (fn === "(program)") return "V8/native (program)";
  const src = isBundle(url) ? bundled(url, line) : url;
  const rules: [RegExp, string][] = [
    [/packages\/serving\//, "serving (ranking core)"],
    [/packages\/store\//, "store (decode, client glue)"],
    [/packages\/rerank\//, "rerank (scoring, explanation)"],
    [/services\/ranking-api\//, "API (routes, validation, metrics)"],
    [/packages\/core\//, "core"],
    [
      /\/(fastify|find-my-way|fast-json-stringify|avvio|light-my-request|@fastify|fast-querystring|secure-json-parse|pino)[/@]/,
      "fastify (HTTP, JSON)",
    ],
    [/\/(ioredis|redis-parser|@ioredis|standard-as-callback|cluster-key-slot|denque)[/@]/, "ioredis"],
    [/\/zod[/@]/, "zod (request validation)"],
    [/\/prom-client[/@]/, "prom-client"],
    [/\/(tsx|esbuild|get-tsconfig)[/@]/, "tsx loader"],
    [/^node:/, "Node core (http, net, streams, timers)"],
    [/^$/, "V8 builtins (JSON, Map, sort, …)"],
  ];
  for (const [re, name] of rules) if (re.test(src)) return name;
  return "other npm";
}

export interface ProfileSummary {
  categories: { category: string; share: number }[];
  /** The functions with the most self time. */
  top: { fn: string; share: number }[];
}

/** Share of busy (non-idle) CPU time per category and per function, over every .cpuprofile in `dir`. */
export function summariseProfiles(dir: string): ProfileSummary {
  if (!existsSync(dir)) return { categories: [], top: [] };
  const cache = new Map<string, (line: number) => string>();
  const bundled = (url: string, line: number) => {
    const path = url.replace(/^file:\/\//, "");
    if (!cache.has(path)) cache.set(path, bundleSources(path));
    return cache.get(path)!(line);
  };
  const time = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
    const p = JSON.parse(readFileSync(join(dir, f), "utf8")) as Profile;
    const cat = new Map(
      p.nodes.map((n) => [
        n.id,
        category(n.callFrame.url, n.callFrame.functionName, bundled, n.callFrame.lineNumber),
      ]),
    );
    const names = new Map(
      p.nodes.map((n) => {
        const src = isBundle(n.callFrame.url)
          ? bundled(n.callFrame.url, n.callFrame.lineNumber)
          : n.callFrame.url;
        const file = src.split("/").at(-1)?.replace(/\?.*$/, "") ?? "";
        return [n.id, `${n.callFrame.functionName || "(anonymous)"}${file ? ` (${file})` : ""}`];
      }),
    );
    p.samples.forEach((id, i) => {
      const c = cat.get(id)!;
      const dt = p.timeDeltas[i] ?? 0;
      time.set(c, (time.get(c) ?? 0) + dt);
      if (c !== "idle") fns.set(names.get(id)!, (fns.get(names.get(id)!) ?? 0) + dt);
    });
  }
  time.delete("idle");
  const busy = [...time.values()].reduce((a, b) => a + b, 0) || 1;
  const share = <K extends string>(m: Map<string, number>, key: K) =>
    [...m.entries()]
      .map(([name, t]) => ({ [key]: name, share: t / busy }) as { [k in K]: string } & { share: number })
      .sort((a, b) => b.share - a.share);
  return { categories: share(time, "category"), top: share(fns, "fn").slice(0, 8) };
}
