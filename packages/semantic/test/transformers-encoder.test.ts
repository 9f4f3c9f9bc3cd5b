import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotFoundError } from "@tandem/core";
import { describe, expect, it } from "vitest";
import { TransformersEncoder } from "../src/index.js";
import { cosine, maxAbsDiff } from "./helpers.js";

const modelDir = process.env.TANDEM_TEST_ONNX_MODEL_DIR;

describe("TransformersEncoder", () => {
  it("offline with a model that is not on disk: NotFoundError naming the path, no download", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tandem-models-"));
    try {
      const error = await TransformersEncoder.load({
        model: "Xenova/all-MiniLM-L6-v2",
        modelDir: dir,
        offline: true,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as Error).message).toContain(join(dir, "Xenova/all-MiniLM-L6-v2"));
      expect((error as Error).message).toMatch(/offline/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a model folder path that does not exist: NotFoundError", async () => {
    await expect(TransformersEncoder.load({ model: "./no/such/model-folder" })).rejects.toThrow(
      NotFoundError,
    );
  });

  it("an incomplete local model folder (no onnx files), offline: NotFoundError", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tandem-models-"));
    try {
      await expect(TransformersEncoder.load({ model: dir, offline: true })).rejects.toThrow(NotFoundError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(modelDir)(
    "real ONNX sentence-transformer (runs only when TANDEM_TEST_ONNX_MODEL_DIR points at a local model folder, since no model can be downloaded here)",
    async () => {
      const encoder = await TransformersEncoder.load({ model: modelDir!, offline: true });
      const texts = [
        "rebels fight an evil galactic empire",
        "Star Wars: Episode IV - A New Hope (1977). Genres: Action, Adventure, Sci-Fi.",
        "Sleepless in Seattle (1993). Genres: Comedy, Drama, Romance.",
      ];
      const [q, starWars, sleepless] = await encoder.embed(texts);
      expect(cosine(q!, q!)).toBeCloseTo(1, 4);
      expect(cosine(q!, starWars!)).toBeGreaterThan(cosine(q!, sleepless!));
      const [alone] = await encoder.embed([texts[2]!]);
      expect(maxAbsDiff(alone!, sleepless!)).toBeLessThan(1e-4);
      await encoder.dispose();
    },
  );
});
