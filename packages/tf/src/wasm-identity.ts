import * as tf from "@tensorflow/tfjs-core";

interface RefCounted {
  incRef(dataId: object): void;
}

/**
 * The wasm backend's Identity kernel copies its input, and the autodiff tape clones (Identity) every
 * tensor a gradient saves, so training copied each activation once more (a 23 MB logits matrix per
 * step). This replaces it with the CPU backend's behaviour: share the data and count the reference.
 * Safe because tensors are immutable (a Variable's assign swaps in a new data id).
 */
export function shareIdentityData(): void {
  tf.unregisterKernel("Identity", "wasm");
  tf.registerKernel({
    kernelName: "Identity",
    backendName: "wasm",
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs["x"]!;
      (backend as unknown as RefCounted).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
}
