import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { UserItems } from "@tandem/data";
import {
  loadModel,
  loadSeqModel,
  type MfModel,
  type SeqModel,
  saveModel,
  saveSeqModel,
} from "@tandem/recall";
import { type Fusion, parseFusion, serializeFusion } from "@tandem/rerank";

/**
 * A trained Tandem model on disk: the MF artifact directory, the fusion JSON and, with rerank.seq, the
 * sequential model's directory (a restored stage must use the model the fusion was trained with).
 */
export function saveTandemArtifacts(dir: string, mf: MfModel, fusion: Fusion, seq?: SeqModel | null): void {
  mkdirSync(dir, { recursive: true });
  saveModel(join(dir, "mf"), mf);
  if (seq) saveSeqModel(join(dir, "seq"), seq);
  writeFileSync(join(dir, "fusion.json"), serializeFusion(fusion));
}

export async function loadTandemArtifacts(
  dir: string,
  history?: UserItems,
): Promise<{ mf: MfModel; fusion: Fusion; seq?: SeqModel } | null> {
  if (!existsSync(join(dir, "fusion.json"))) return null;
  const options = history ? { history } : {};
  return {
    mf: await loadModel(join(dir, "mf"), options),
    fusion: parseFusion(readFileSync(join(dir, "fusion.json"), "utf8")),
    ...(existsSync(join(dir, "seq")) && { seq: await loadSeqModel(join(dir, "seq"), options) }),
  };
}
