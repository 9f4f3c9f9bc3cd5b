import { describe, expect, it } from "vitest";
import { initTf, tf } from "../src/index.js";

describe("Identity on wasm", () => {
  it("shares the input's data (no copy) and keeps it alive after the input is disposed", async () => {
    if ((await initTf({ log: false })) !== "wasm") return;
    const x = tf.tensor1d([1, 2, 3]);
    const buffers = tf.memory().numDataBuffers;
    const y = tf.clone(x);
    expect(tf.memory().numDataBuffers).toBe(buffers);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    const z = tf.add(y, 1);
    expect(Array.from(z.dataSync())).toEqual([2, 3, 4]);
    z.dispose();
    y.dispose();
    expect(tf.memory().numDataBuffers).toBe(buffers - 1);
  });
});
