import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ArtifactError, NotFoundError } from "@tandem/core";
import { initTf, type tf } from "./runtime.js";

type Tensor = ReturnType<typeof tf.tensor>;

/** The part of tfjs-converter's GraphModel Tandem uses. */
export interface GraphModel {
  executeAsync(inputs: Record<string, Tensor>, outputs?: string | string[]): Promise<Tensor | Tensor[]>;
  dispose(): void;
}

interface WeightsGroup {
  paths: string[];
  weights: unknown[];
}

let converter: Promise<typeof import("@tensorflow/tfjs-converter")> | null = null;

/** tfjs-converter, loaded on first use (it shares this package's tfjs-core instance). */
function loadConverter() {
  converter ??= import("@tensorflow/tfjs-converter");
  return converter;
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") throw new NotFoundError("file", file);
    throw cause;
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ArtifactError(`${file} is not valid JSON`, { cause });
  }
}

/**
 * Loads a TF.js graph model (model.json + binary weight shards) from the local file system: the
 * artifacts are read here and handed to tfjs-converter through a custom IO handler, so nothing is fetched.
 */
export async function loadGraphModelFromDir(modelJson: string): Promise<GraphModel> {
  await initTf({ log: false });
  const manifest = (await readJson(modelJson)) as {
    modelTopology?: object;
    weightsManifest?: WeightsGroup[];
  };
  if (!manifest.modelTopology || !Array.isArray(manifest.weightsManifest)) {
    throw new ArtifactError(`${modelJson} has no modelTopology/weightsManifest: not a TF.js graph model`);
  }
  const dir = dirname(modelJson);
  const groups = manifest.weightsManifest;
  const shards = await Promise.all(
    groups.flatMap((g) =>
      g.paths.map((p) =>
        readFile(join(dir, p)).catch((cause) => {
          throw new ArtifactError(`weight shard ${p} of ${modelJson} cannot be read`, { cause });
        }),
      ),
    ),
  );
  const total = shards.reduce((n, s) => n + s.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const s of shards) {
    weightData.set(s, offset);
    offset += s.byteLength;
  }
  const { loadGraphModel } = await loadConverter();
  return (await loadGraphModel({
    load: async () => ({
      modelTopology: manifest.modelTopology,
      format: "graph-model",
      weightSpecs: groups.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
      weightData: weightData.buffer,
    }),
  })) as unknown as GraphModel;
}
