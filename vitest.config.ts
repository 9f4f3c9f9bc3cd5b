import { readdirSync } from "node:fs";
import { defineConfig } from "vitest/config";

// One vitest project per workspace package (tests run against src), plus the cross-package suite in test/.
const projectsIn = (dir: string) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({
      extends: true as const,
      test: { name: d.name, root: `${dir}/${d.name}`, include: ["test/**/*.test.ts"] },
    }));

export default defineConfig({
  test: {
    projects: [
      ...projectsIn("packages"),
      ...projectsIn("services"),
      { extends: true, test: { name: "e2e", root: "test", include: ["**/*.test.ts"], testTimeout: 120_000 } },
    ],
    testTimeout: 60_000,
    // Suites start real redis-servers, clusters and a browser in their hooks: slow on a busy 2-core machine.
    hookTimeout: 120_000,
  },
});
