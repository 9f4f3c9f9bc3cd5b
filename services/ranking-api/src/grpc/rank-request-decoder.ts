/**
 * RankRequest (proto/ranking.proto) read straight from the wire into the plain object proto-loader's
 * deserializer gives (defaults off: unset fields absent, an empty list absent), without protobufjs's
 * message object and its toObject copy: a rank call carries 100+ item ids, and that copy was the
 * largest per-call cost of decoding (tested against proto-loader on the same bytes). Malformed bytes
 * throw, as protobufjs does (grpc-js then answers INTERNAL).
 */
/** Strings up to this many bytes are decoded in JS when ASCII. */
const SHORT = 16;

export function decodeRankRequest(buf: Buffer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const end = buf.length;
  let pos = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= end) throw new RangeError("RankRequest: truncated varint");
      const b = buf[pos++]!;
      // Bits past 32 are dropped, as protobufjs's int32() does.
      if (shift < 32) value |= (b & 127) << shift;
      if (b < 128) return value;
    }
    throw new RangeError("RankRequest: varint longer than 10 bytes");
  };
  const bytes = (): [number, number] => {
    const length = varint() >>> 0;
    if (pos + length > end) throw new RangeError("RankRequest: truncated field");
    const start = pos;
    pos += length;
    return [start, pos];
  };
  const string = () => {
    const [start, stop] = bytes();
    if (stop - start <= SHORT) {
      // Short ASCII ids in JS: a call into Buffer#toString per id cost more than the rest of the decode.
      let s = "";
      for (let i = start; i < stop; i++) {
        const c = buf[i]!;
        if (c > 127) return buf.toString("utf8", start, stop);
        s += String.fromCharCode(c);
      }
      return s;
    }
    return buf.toString("utf8", start, stop);
  };
  let ids: string[] | undefined;
  while (pos < end) {
    const key = varint() >>> 0;
    const field = key >>> 3;
    const wire = key & 7;
    if (field === 1 && wire === 2) out["userId"] = string();
    else if (field === 2 && wire === 2) (ids ??= []).push(string());
    else if (field === 3 && wire === 0) out["k"] = varint() | 0;
    else if (field === 4 && wire === 0) out["explain"] = varint() !== 0;
    else skip(wire);
  }
  if (ids) out["itemIds"] = ids;
  return out;

  function skip(wire: number): void {
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 2) bytes();
    else if (wire === 5) pos += 4;
    else throw new RangeError(`RankRequest: unsupported wire type ${wire}`);
    if (pos > end) throw new RangeError("RankRequest: truncated field");
  }
}
