import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { UserItems } from "@tandem/data";
import { loadModel, type MfModel, saveModel } from "@tandem/recall";
import { type Fusion, parseFusion, serializeFusion } from "@tandem/rerank";

/** A trained Tandem model on disk: the MF artifact directory and the fusion JSON. */
export function saveTandemArtifacts(dir: string, mf: MfModel, fusion: Fusion): void {
  mkdirSync(dir, { recursive: true });
  saveModel(join(dir, "mf"), mf);
  writeFileSync(join(dir, "fusion.json"), serializeFusion(fusion));
}

export async function loadTandemArtifacts(
  dir: string,
  history?: UserItems,
): Promise<{ mf: MfModel; fusion: Fusion } | null> {
  if (!existsSync(join(dir, "fusion.json"))) return null;
  return {
    mf: await loadModel(join(dir, "mf"), history ? { history } : {}),
    fusion: parseFusion(readFileSync(join(dir, "fusion.json"), "utf8")),
  };
}
