import { InvalidArgumentError } from "@tandem/core";

/** A sentencepiece vocabulary as shipped with USE-lite: [piece, log-probability] by token id. */
export type SentencePieceVocab = ReadonlyArray<readonly [string, number]>;

const SPACE = "\u2581";

interface TrieNode {
  next: Map<string, TrieNode>;
  id: number;
}

/**
 * Unigram sentencepiece segmentation (Viterbi over all vocabulary pieces that match at each position),
 * the scheme the USE-lite vocabulary was trained with. Characters no piece covers become token 0 (unk),
 * and runs of unks collapse to one, as sentencepiece does.
 */
export class SentencePieceTokenizer {
  private readonly root: TrieNode = { next: new Map(), id: -1 };
  private readonly unkScore: number;

  constructor(
    private readonly vocab: SentencePieceVocab,
    /** Ids of control pieces (<s>, </s>, extra ids) that must never match text. */
    reserved: ReadonlySet<number> = new Set([0, 1, 2, 3, 4, 5]),
  ) {
    if (vocab.length === 0) throw new InvalidArgumentError("sentencepiece vocabulary is empty");
    let min = 0;
    vocab.forEach(([piece, score], id) => {
      min = Math.min(min, score);
      if (reserved.has(id) || piece.length === 0) return;
      let node = this.root;
      for (const ch of piece) {
        let child = node.next.get(ch);
        if (!child) {
          child = { next: new Map(), id: -1 };
          node.next.set(ch, child);
        }
        node = child;
      }
      node.id = id;
    });
    // Unknown characters cost more than any real piece, so they are used only when nothing else fits.
    this.unkScore = min - 10;
  }

  get size(): number {
    return this.vocab.length;
  }

  encode(text: string): number[] {
    const normalized = text.normalize("NFKC").trim().replace(/\s+/g, " ");
    if (normalized.length === 0) return [];
    const chars = Array.from(SPACE + normalized.replaceAll(" ", SPACE));
    const n = chars.length;
    const best = new Float64Array(n + 1).fill(Number.NEGATIVE_INFINITY);
    const token = new Int32Array(n + 1);
    const from = new Int32Array(n + 1);
    best[0] = 0;
    for (let start = 0; start < n; start++) {
      const base = best[start]!;
      if (base === Number.NEGATIVE_INFINITY) continue;
      let node: TrieNode | undefined = this.root;
      let matched = false;
      for (let end = start; end < n && node; end++) {
        node = node.next.get(chars[end]!);
        if (!node || node.id < 0) continue;
        matched ||= end === start;
        const score = base + this.vocab[node.id]![1];
        if (score > best[end + 1]!) {
          best[end + 1] = score;
          token[end + 1] = node.id;
          from[end + 1] = start;
        }
      }
      if (!matched && base + this.unkScore > best[start + 1]!) {
        best[start + 1] = base + this.unkScore;
        token[start + 1] = 0;
        from[start + 1] = start;
      }
    }
    const ids: number[] = [];
    for (let end = n; end > 0; end = from[end]!) {
      const id = token[end]!;
      if (!(id === 0 && ids[ids.length - 1] === 0)) ids.push(id);
    }
    return ids.reverse();
  }
}
