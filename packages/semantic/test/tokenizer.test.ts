import { describe, expect, it } from "vitest";
import { SentencePieceTokenizer } from "../src/index.js";

// ids 0-5 are control pieces, as in the USE-lite vocabulary
const vocab: [string, number][] = [
  ["<unk>", 0],
  ["<s>", 0],
  ["</s>", 0],
  ["x1", 0],
  ["x2", 0],
  ["x3", 0],
  ["\u2581", -2], // 6
  ["\u2581star", -3], // 7
  ["\u2581st", -4], // 8
  ["ar", -4], // 9
  ["\u2581wars", -3], // 10
  ["s", -2], // 11
  ["\u2581war", -2.5], // 12
  ["a", -5], // 13
  ["r", -5], // 14
  ["w", -5], // 15
  ["t", -5], // 16
];

describe("SentencePieceTokenizer", () => {
  const tok = new SentencePieceTokenizer(vocab);

  it("picks the segmentation with the highest total log-probability", () => {
    // ▁star (-3) beats ▁st + ar (-8)
    expect(tok.encode("star")).toEqual([7]);
    // ▁wars (-3) beats ▁war + s (-4.5)
    expect(tok.encode("wars")).toEqual([10]);
    expect(tok.encode("star wars")).toEqual([7, 10]);
  });

  it("normalises whitespace and NFKC-folds the input", () => {
    expect(tok.encode("  star \t\n wars ")).toEqual([7, 10]);
    expect(tok.encode("\uff53tar")).toEqual([7]); // fullwidth s
  });

  it("maps uncovered characters to id 0 and merges runs of them", () => {
    expect(tok.encode("star ???")).toEqual([7, 6, 0]);
    expect(tok.encode("")).toEqual([]);
  });

  it("never emits control pieces even when the text spells them", () => {
    expect(tok.encode("<s>")).not.toContain(1);
  });
});
