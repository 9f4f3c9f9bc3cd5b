import * as tf from "@tensorflow/tfjs-core";
import { matMul } from "./matmul.js";

type T = tf.Tensor;
type Attrs = Record<string, unknown>;

/**
 * Gradients of the kernels the sequential model trains through. tfjs-core ships its gradients only as
 * extensionless ES modules (dist/register_all_gradients), which Node cannot load, and none of its
 * bundles include them; these are the same derivatives, registered only where none is registered yet.
 */
const reduceTo = (dy: T, shape: number[]): T => {
  const axes = tf.broadcast_util.getReductionAxes(shape, dy.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(dy, axes) : dy, shape);
};

const keptShape = (shape: number[], axis: unknown): number[] => {
  const axes = tf.util.parseAxisParam(axis as number | number[], shape);
  return shape.map((n, i) => (axes.includes(i) ? 1 : n));
};

/** x as float32 without a copy when it already is (Cast copies, and the model's tensors are large). */
const f32 = (x: T): T => (x.dtype === "float32" ? x : tf.cast(x, "float32"));

/** g broadcast to x's shape. Not tf.broadcastTo: its Tile kernel is ~50× slower on wasm than a broadcasting multiply. */
const spread = (g: T, x: T): T => tf.mul(g, tf.onesLike(x));

const configs: tf.GradConfig[] = [
  {
    kernelName: "Add",
    inputsToSave: ["a", "b"],
    gradFunc: (dy, [a, b]) => ({
      a: () => reduceTo(dy as T, a!.shape),
      b: () => reduceTo(dy as T, b!.shape),
    }),
  },
  {
    kernelName: "Sub",
    inputsToSave: ["a", "b"],
    gradFunc: (dy, [a, b]) => ({
      a: () => reduceTo(dy as T, a!.shape),
      b: () => reduceTo(tf.neg(dy as T), b!.shape),
    }),
  },
  {
    kernelName: "Multiply",
    inputsToSave: ["a", "b"],
    gradFunc: (dy, [a, b]) => ({
      a: () => reduceTo(tf.mul(dy as T, f32(b!)), a!.shape),
      b: () => reduceTo(tf.mul(dy as T, f32(a!)), b!.shape),
    }),
  },
  {
    kernelName: "RealDiv",
    inputsToSave: ["a", "b"],
    gradFunc: (dy, [a, b]) => ({
      a: () => reduceTo(tf.div(dy as T, b!), a!.shape),
      b: () => reduceTo(tf.neg(tf.mul(dy as T, tf.div(a!, tf.square(b!)))), b!.shape),
    }),
  },
  {
    kernelName: "Sum",
    inputsToSave: ["x"],
    gradFunc: (dy, [x], attrs: Attrs) => ({
      x: () => spread(tf.reshape(dy as T, keptShape(x!.shape, attrs["axis"])), x!),
    }),
  },
  {
    kernelName: "Mean",
    inputsToSave: ["x"],
    gradFunc: (dy, [x], attrs: Attrs) => ({
      x: () => {
        const kept = keptShape(x!.shape, attrs["axis"]);
        const n = tf.util.sizeFromShape(x!.shape) / tf.util.sizeFromShape(kept);
        return spread(tf.reshape(tf.div(dy as T, n), kept), x!);
      },
    }),
  },
  {
    kernelName: "Square",
    inputsToSave: ["x"],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as T, tf.mul(f32(x!), 2)) }),
  },
  {
    kernelName: "Rsqrt",
    inputsToSave: ["x"],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as T, tf.mul(tf.pow(x!, -1.5), -0.5)) }),
  },
  {
    kernelName: "Relu",
    inputsToSave: ["x"],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as T, tf.cast(tf.greater(x!, 0), "float32")) }),
  },
  { kernelName: "Neg", gradFunc: (dy) => ({ x: () => tf.neg(dy as T) }) },
  { kernelName: "Identity", gradFunc: (dy) => ({ x: () => tf.clone(dy as T) }) },
  { kernelName: "Cast", gradFunc: (dy) => ({ x: () => tf.clone(dy as T) }) },
  {
    kernelName: "Reshape",
    inputsToSave: ["x"],
    gradFunc: (dy, [x]) => ({ x: () => tf.reshape(dy as T, x!.shape) }),
  },
  {
    kernelName: "Transpose",
    gradFunc: (dy, _saved, attrs: Attrs) => {
      const perm = attrs["perm"] as number[];
      const inverse = perm.map((_, i) => perm.indexOf(i));
      return { x: () => tf.transpose(dy as T, inverse) };
    },
  },
  {
    kernelName: "Slice",
    inputsToSave: ["x"],
    gradFunc: (dy, [x], attrs: Attrs) => {
      const begin = tf.slice_util.parseSliceParams(
        x!,
        attrs["begin"] as number[],
        attrs["size"] as number[],
      )[0]!;
      const d = dy as T;
      const pads = x!.shape.map((n, i) => [begin[i]!, n - begin[i]! - d.shape[i]!] as [number, number]);
      return { x: () => tf.pad(d, pads) };
    },
  },
  {
    kernelName: "Softmax",
    outputsToSave: [true],
    gradFunc: (dy, [y], attrs: Attrs) => {
      const dim = attrs["dim"] as number;
      return { logits: () => tf.mul(tf.sub(dy as T, tf.sum(tf.mul(dy as T, y!), dim, true)), y!) };
    },
  },
  {
    kernelName: "BatchMatMul",
    inputsToSave: ["a", "b"],
    gradFunc: (dy, [a, b], attrs: Attrs) => {
      const ta = attrs["transposeA"] === true;
      const tb = attrs["transposeB"] === true;
      const g = dy as T;
      const mm = matMul;
      const da = !ta ? mm(g, b!, false, !tb) : tb ? mm(b!, g, true, true) : mm(b!, g, false, true);
      const db = !tb
        ? ta
          ? mm(a!, g, false, false)
          : mm(a!, g, true, false)
        : ta
          ? mm(g, a!, true, true)
          : mm(g, a!, true, false);
      return { a: () => reduceTo(da, a!.shape), b: () => reduceTo(db, b!.shape) };
    },
  },
];

/** Registers the gradients above for kernels that have none (idempotent). */
export function registerGradients(): void {
  for (const config of configs)
    if (tf.getGradient(config.kernelName) === undefined) tf.registerGradient(config);
}
