import type { RecallConfig } from "@tandem/core";
import { InvalidArgumentError, Rng } from "@tandem/core";
import type { UserItems } from "@tandem/data";
import { matMul, tf } from "@tandem/tf";
import { seqLoss, textRows } from "./seq-loss.js";
import { inputTensors } from "./seq-model.js";
import { initWeights, type SeqShape, type SeqWeights } from "./seq-weights.js";
import { sampleWindows } from "./seq-windows.js";

type T = ReturnType<typeof tf.tensor>;
type V = ReturnType<typeof tf.variable>;

/**
 * Trains SASRec with full softmax cross-entropy over the catalogue (every position predicts its next
 * item) and Adam. The input embeddings are gathered outside the tape (no gather gradient on wasm) and
 * their gradient is scattered back onto the tied item table in typed arrays. With `shape.textDim` the
 * frozen `itemText` (numItems × textDim) enters through the learned textProj (seqLoss).
 */
export class SeqTrainer {
  private readonly vars = new Map<string, V>();
  private readonly optimizer: ReturnType<typeof tf.train.adam>;
  private readonly rng: Rng;
  private readonly textTable: T | null = null;
  private step = 0;

  constructor(
    readonly shape: SeqShape,
    private readonly history: UserItems,
    private readonly c: RecallConfig["seq"],
    seed: number,
    private readonly itemText?: Float32Array,
  ) {
    this.rng = new Rng(seed);
    if (shape.textDim) {
      if (itemText?.length !== shape.numItems * shape.textDim)
        throw new InvalidArgumentError(
          `seq: the text projection needs ${shape.numItems} × ${shape.textDim} item text floats`,
        );
      this.textTable = tf.keep(tf.tensor2d(itemText, [shape.numItems, shape.textDim]));
    }
    for (const [name, { shape: dims, values }] of initWeights(shape, seed))
      this.vars.set(name, tf.variable(tf.tensor(values, dims)));
    this.optimizer = tf.train.adam(c.lr, 0.9, 0.98);
  }

  /**
   * One epoch of windows (`recall.seq.windows`) in a seeded random order; returns the mean loss.
   * `maxBatches` stops it early (benchmarks time part of an epoch at size).
   */
  epoch(maxBatches = Number.POSITIVE_INFINITY): number {
    const windows = sampleWindows(this.history, this.shape.maxLen, this.rng, this.c.windows);
    const { count, maxLen: L } = windows;
    const order = this.rng.shuffle(Array.from({ length: count }, (_, i) => i));
    let total = 0;
    let seen = 0;
    for (let start = 0; start < count && start < maxBatches * this.c.batchSize; start += this.c.batchSize) {
      const batch = order.slice(start, start + this.c.batchSize);
      const inputs = new Int32Array(batch.length * L);
      const targets = new Int32Array(batch.length * L);
      batch.forEach((w, b) => {
        inputs.set(windows.inputs.subarray(w * L, (w + 1) * L), b * L);
        targets.set(windows.targets.subarray(w * L, (w + 1) * L), b * L);
      });
      total += this.batch(inputs, targets) * batch.length;
      seen += batch.length;
    }
    return total / seen;
  }

  private batch(inputs: Int32Array, targets: Int32Array): number {
    const s = this.shape;
    const L = s.maxLen;
    const B = inputs.length / L;
    const names = [...this.vars.keys()];
    const vars = names.map((n) => this.vars.get(n)!);
    const seed = (this.rng.int(2 ** 30) + this.step++) | 0;
    return tf.tidy(() => {
      const { idx, mask } = inputTensors(inputs, B, L);
      const x0 = tf.mul(tf.reshape(tf.gather(this.vars.get("item")!, idx), [B, L, s.dim]), mask);
      const tW = new Float32Array(targets.length);
      for (let i = 0; i < targets.length; i++) tW[i] = targets[i]! < 0 ? 0 : 1;
      const text = this.textTable
        ? {
            table: this.textTable,
            rows: tf.tensor2d(textRows(this.itemText!, s.textDim!, inputs), [B * L, s.textDim!]),
          }
        : undefined;
      const loss = (x: T, ...ws: T[]) => {
        const w: Record<string, T> = {};
        names.forEach((n, i) => {
          w[n] = ws[i]!;
        });
        return seqLoss(s, w, x, mask, targets, tW, { dropout: this.c.dropout, seed }, text);
      };
      const { value, grads } = tf.valueAndGrads(loss)([x0, ...vars]);
      // Scatter the input-embedding gradient onto the item table's rows.
      const dx = grads[0]!.dataSync();
      const dItem = new Float32Array(s.numItems * s.dim);
      for (let p = 0; p < inputs.length; p++) {
        const item = inputs[p]!;
        if (item < 0) continue;
        const o = item * s.dim;
        for (let k = 0; k < s.dim; k++) dItem[o + k]! += dx[p * s.dim + k]!;
      }
      const named = names.map((n, i) => ({
        name: vars[i]!.name,
        tensor: n === "item" ? tf.add(grads[i + 1]!, tf.tensor(dItem, [s.numItems, s.dim])) : grads[i + 1]!,
      }));
      this.optimizer.applyGradients(named);
      return value.dataSync()[0]!;
    });
  }

  /**
   * A copy of the current weights, the text folded in: `item` is each item's full vector (ID embedding +
   * text · textProj), so inference never needs the text table; textProj stays for items without an ID.
   */
  snapshot(): SeqWeights {
    const out: SeqWeights = new Map();
    for (const [name, v] of this.vars) {
      const values =
        name === "item" && this.textTable
          ? tf.tidy(() => tf.add(v, matMul(this.textTable!, this.vars.get("textProj")!)).dataSync())
          : v.dataSync();
      out.set(name, { shape: v.shape, values: values.slice() as Float32Array });
    }
    return out;
  }

  dispose(): void {
    this.textTable?.dispose();
    for (const v of this.vars.values()) v.dispose();
    this.optimizer.dispose();
  }
}
