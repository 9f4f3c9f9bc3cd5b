import type { Responses, ScoredItem } from "@tandem/api-contract";

/**
 * The hot answers (Recommend, Rank, Similar) written straight to protobuf wire bytes, the same bytes as
 * protobufjs's `encode(fromObject(x))` (proto-loader's serializer; tested byte for byte): one pass
 * into a reused scratch buffer, no intermediate message objects and no per-field writer operations.
 * Field numbers are those of proto/ranking.proto.
 */
/** Strings up to this length are written in JS when ASCII. */
const SHORT = 32;

class WireWriter {
  private buf = Buffer.allocUnsafe(16 * 1024);
  pos = 0;

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  varint(value: number): void {
    this.room(5);
    let v = value >>> 0;
    while (v > 127) {
      this.buf[this.pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }

  string(tag: number, s: string | undefined): void {
    if (s == null) return;
    // UTF-8 takes at most 3 bytes per UTF-16 unit; the length byte is reserved and fixed up if > 127.
    this.room(6 + 3 * s.length);
    this.buf[this.pos++] = tag;
    const at = this.pos++;
    this.pos = s.length <= SHORT ? this.short(s) : this.pos + this.buf.write(s, this.pos, "utf8");
    this.close(at);
  }

  /** A short string byte by byte: cheaper than a call into Buffer#write for ids and source names. */
  private short(s: string): number {
    const { buf } = this;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 127) return this.pos + buf.write(s, this.pos, "utf8");
      buf[p++] = c;
    }
    return p;
  }

  double(tag: number, value: number | undefined): void {
    if (value == null) return;
    this.room(9);
    this.buf[this.pos++] = tag;
    this.pos = this.buf.writeDoubleLE(value, this.pos);
  }

  /** Starts a length-delimited field; returns the position of its one reserved length byte. */
  open(tag: number): number {
    this.room(2);
    this.buf[this.pos++] = tag;
    return this.pos++;
  }

  /** Writes the length of the field opened at `at`, moving its content when it needs more than a byte. */
  close(at: number): void {
    const length = this.pos - at - 1;
    if (length < 128) {
      this.buf[at] = length;
      return;
    }
    let extra = 0;
    for (let v = length >>> 7; v > 0; v >>>= 7) extra++;
    this.room(extra);
    this.buf.copyWithin(at + 1 + extra, at + 1, this.pos);
    const end = this.pos + extra;
    this.pos = at;
    this.varint(length);
    this.pos = end;
  }

  /** Starts an answer (a previous one that threw midway leaves nothing behind). */
  begin(): WireWriter {
    this.pos = 0;
    return this;
  }

  /** The bytes written since begin, copied out (the scratch buffer is reused by the next answer). */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }
}

const w = new WireWriter();

function items(tag: number, list: ScoredItem[] | undefined): void {
  if (list == null) return;
  for (const item of list) {
    const at = w.open(tag);
    w.string(10, item.itemId);
    w.double(17, item.score);
    if (item.sources != null) for (const s of item.sources) w.string(26, s);
    if (item.explanation != null)
      for (const key of Object.keys(item.explanation)) {
        const entry = w.open(34);
        w.string(10, key);
        w.double(17, item.explanation[key]);
        w.close(entry);
      }
    w.close(at);
  }
}

const strings = (tag: number, list: string[] | undefined) => {
  if (list != null) for (const s of list) w.string(tag, s);
};

export const responseEncoders = {
  Recommend(r: Responses["recommend"]): Buffer {
    w.begin();
    w.string(10, r.userId);
    w.string(18, r.version);
    w.string(26, r.mode);
    items(34, r.items);
    return w.take();
  },
  Rank(r: Responses["rank"]): Buffer {
    w.begin();
    w.string(10, r.userId);
    w.string(18, r.version);
    items(26, r.items);
    strings(34, r.unknownItems);
    return w.take();
  },
  Similar(r: Responses["similar"]): Buffer {
    w.begin();
    w.string(10, r.itemId);
    w.string(18, r.version);
    items(26, r.items);
    return w.take();
  },
};
