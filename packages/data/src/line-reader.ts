import { createReadStream } from "node:fs";

export interface Line {
  text: string;
  /** 1-based line number in the file. */
  number: number;
}

/** A run of consecutive lines: `lines[k]` is line `first + k` (1-based). */
export interface LineBatch {
  lines: string[];
  first: number;
}

/**
 * Streams a text file as batches of lines (one per read chunk, \n or \r\n endings), in the given encoding.
 * Batches rather than lines: a per-line async step costs more than parsing the line at 25M rows.
 */
export async function* readLineBatches(
  file: string,
  encoding: BufferEncoding = "utf8",
): AsyncGenerator<LineBatch> {
  let carry = "";
  let next = 1;
  for await (const chunk of createReadStream(file, { encoding, highWaterMark: 1 << 20 })) {
    const text = carry + (chunk as string);
    const lines = text.split("\n");
    carry = lines.pop()!;
    if (text.includes("\r"))
      for (let k = 0; k < lines.length; k++) if (lines[k]!.endsWith("\r")) lines[k] = lines[k]!.slice(0, -1);
    yield { lines, first: next };
    next += lines.length;
  }
  if (carry !== "") yield { lines: [carry.endsWith("\r") ? carry.slice(0, -1) : carry], first: next };
}

/** Streams a text file line by line (any size), in the given encoding. */
export async function* readLines(file: string, encoding: BufferEncoding = "utf8"): AsyncGenerator<Line> {
  for await (const { lines, first } of readLineBatches(file, encoding)) {
    for (let k = 0; k < lines.length; k++) yield { text: lines[k]!, number: first + k };
  }
}
