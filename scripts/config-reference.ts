/**
 * Generates docs/configuration.md from the config schema (descriptions and defaults live on the schema,
 * so the reference cannot drift): `pnpm docs:config`. A test checks the file is current.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { configReference } from "@tandem/core";

writeFileSync(join(import.meta.dirname, "..", "docs", "configuration.md"), configReference());
