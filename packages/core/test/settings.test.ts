import { describe, expect, it } from "vitest";
import { ConfigError, configKeys, loadConfig, settingFromText } from "../src/index.js";

describe("--set path=value", () => {
  it("types the value like the key's default and nests it", () => {
    expect(settingFromText("recall.als.alpha=20")).toEqual({ recall: { als: { alpha: 20 } } });
    expect(settingFromText("eval.ratio=0.7,0.2,0.1")).toEqual({ eval: { ratio: ["0.7", "0.2", "0.1"] } });
    expect(settingFromText("data.skipMalformed=true")).toEqual({ data: { skipMalformed: true } });
    expect(settingFromText("data.ratingThreshold=null")).toEqual({ data: { ratingThreshold: null } });
    expect(settingFromText("recall.als.weighting=bm25")).toEqual({ recall: { als: { weighting: "bm25" } } });
    const c = loadConfig(settingFromText("eval.ratio=0.7,0.2,0.1"), {});
    expect(c.eval.ratio).toEqual([0.7, 0.2, 0.1]);
  });

  it("refuses unknown keys, sections and text without '=' with a ConfigError naming the key", () => {
    expect(() => settingFromText("recall.als.alpa=3")).toThrow(
      /unknown config key "recall.als.alpa".*recall.als.alpha/,
    );
    expect(() => settingFromText("recall.als=3")).toThrow(ConfigError);
    expect(() => settingFromText("alpha")).toThrow(/path=value/);
  });

  it("lists every leaf with its default and variable", () => {
    const keys = configKeys();
    const alpha = keys.find((k) => k.path === "recall.als.alpha");
    expect(alpha).toMatchObject({ default: 0.5, env: "TANDEM_RECALL_ALS_ALPHA" });
    expect(keys.some((k) => k.path === "recall.als")).toBe(false);
    expect(keys.map((k) => k.path)).toContain("eval.splitSeed");
  });
});
