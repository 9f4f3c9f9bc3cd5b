/** A typed array's copy on a SharedArrayBuffer, so worker threads read the one copy. */
export function shared<T extends Int32Array | Float32Array | Float64Array | Uint8Array>(a: T): T {
  const ctor = a.constructor as { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const out = new ctor(new SharedArrayBuffer(a.length * ctor.BYTES_PER_ELEMENT));
  out.set(a as never);
  return out;
}
