import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

export interface Line {
  text: string;
  /** 1-based line number in the file. */
  number: number;
}

/** Streams a text file line by line (any size), in the given encoding. */
export async function* readLines(file: string, encoding: BufferEncoding = "utf8"): AsyncGenerator<Line> {
  const rl = createInterface({
    input: createReadStream(file, { encoding }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let number = 0;
  for await (const text of rl) {
    number++;
    yield { text, number };
  }
}
