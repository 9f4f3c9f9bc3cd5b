// `pnpm build`: compiles the ranking API to plain JavaScript (services/ranking-api/dist/main.js), the
// production runtime; tsx stays for development. Workspace packages (TypeScript sources) are bundled in;
// npm dependencies stay external and load from node_modules as usual.
import { join } from "node:path";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..");
const services = ["ranking-api"];

await build({
  entryPoints: services.map((s) => ({ in: join(root, "services", s, "src/main.ts"), out: `${s}/dist/main` })),
  outdir: join(root, "services"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
  plugins: [
    {
      name: "external-npm",
      setup(b) {
        // Bare imports other than @tandem/* are npm packages: leave them to node's resolution.
        b.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith("@tandem/") ? undefined : { path: args.path, external: true },
        );
        // Workspace modules have no import-time side effects a service relies on, so files whose exports
        // it never uses are left out together with their npm imports (the API needs no TensorFlow.js).
        b.onResolve({ filter: /.*/ }, async (args) => {
          if (args.pluginData === "inner" || !(args.path.startsWith("@tandem/") || args.path.startsWith(".")))
            return undefined;
          const r = await b.resolve(args.path, {
            kind: args.kind,
            importer: args.importer,
            resolveDir: args.resolveDir,
            pluginData: "inner",
          });
          return r.errors.length > 0 ? undefined : { ...r, sideEffects: false };
        });
      },
    },
  ],
});
