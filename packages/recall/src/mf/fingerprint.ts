import type { UserItems } from "@tandem/data";

/**
 * FNV-1a (32-bit) over the shape and the CSR arrays of the interaction matrix: cheap, stable across
 * machines, and changes whenever any user's item list or order changes. Identifies the data a model
 * was trained on so an artifact cannot silently be served against other data.
 */
export function dataFingerprint(m: UserItems): string {
  let h = 0x811c9dc5;
  const mix = (bytes: Uint8Array) => {
    for (let i = 0; i < bytes.length; i++) {
      h ^= bytes[i]!;
      h = Math.imul(h, 0x01000193);
    }
  };
  mix(new Uint8Array(Int32Array.of(m.numUsers, m.numItems).buffer));
  mix(new Uint8Array(m.indptr.buffer, m.indptr.byteOffset, m.indptr.byteLength));
  mix(new Uint8Array(m.items.buffer, m.items.byteOffset, m.items.byteLength));
  return `fnv1a32:${(h >>> 0).toString(16).padStart(8, "0")}:${m.numUsers}x${m.numItems}:${m.items.length}`;
}
