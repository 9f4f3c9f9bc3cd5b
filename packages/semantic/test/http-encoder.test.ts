import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { InvalidArgumentError, UnavailableError } from "@tandem/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpEncoder, UseLiteEncoder } from "../src/index.js";
import { maxAbsDiff } from "./helpers.js";

type Handler = (body: { model: string; input: string[] }, res: ServerResponse, req: IncomingMessage) => void;

/** An OpenAI-compatible /v1/embeddings server whose behaviour each test scripts. */
describe("HttpEncoder against a local OpenAI-compatible server", () => {
  let server: Server;
  let base: string;
  let use: UseLiteEncoder;
  let handler: Handler;
  const requests: { model: string; input: string[]; auth?: string }[] = [];

  const answer: Handler = async (body, res) => {
    const vectors = await use.embed(body.input);
    // Un-normalised on purpose (x3): the client must normalise.
    const data = vectors.map((v, index) => ({
      object: "embedding",
      index,
      embedding: Array.from(v, (x) => x * 3),
    }));
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ object: "list", data: data.reverse(), model: body.model }));
  };

  beforeAll(async () => {
    use = await UseLiteEncoder.load();
    await use.embed(["warm up"]); // the first call compiles the graph: seconds on a busy machine
    server = createServer((req, res) => {
      let raw = "";
      req.on("data", (chunk) => {
        raw += chunk;
      });
      req.on("end", () => {
        const body = JSON.parse(raw) as { model: string; input: string[] };
        requests.push({ ...body, ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
        handler(body, res, req);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    use.dispose();
  });

  const encoder = (options: Partial<ConstructorParameters<typeof HttpEncoder>[0]> = {}) =>
    new HttpEncoder({
      url: base,
      model: "use-lite",
      backoffMs: 5,
      retries: 3,
      timeoutMs: 15_000,
      ...options,
    });

  it("returns the server's vectors in input order, normalised, batched", async () => {
    handler = answer;
    requests.length = 0;
    const texts = ["a galaxy far away", "a romantic comedy", "a heist thriller", "a cartoon", "a war film"];
    const got = await encoder({ batchSize: 2, apiKey: "sk-test" }).embed(texts);
    const expected = await use.embed(texts);
    expect(requests.map((r) => r.input.length)).toEqual([2, 2, 1]);
    expect(requests[0]!.auth).toBe("Bearer sk-test");
    expect(requests[0]!.model).toBe("use-lite");
    for (const [i, v] of got.entries()) expect(maxAbsDiff(v, expected[i]!)).toBeLessThan(1e-5);
  });

  it("retries a 503 and then succeeds", async () => {
    let calls = 0;
    handler = (body, res, req) => {
      calls++;
      if (calls === 1) {
        res.writeHead(503).end("overloaded");
        return;
      }
      answer(body, res, req);
    };
    const [v] = await encoder().embed(["retry me"]);
    expect(calls).toBe(2);
    expect(v).toHaveLength(512);
  });

  it("retries 429 and gives UnavailableError once retries are spent", async () => {
    let calls = 0;
    handler = (_body, res) => {
      calls++;
      res.writeHead(429).end("slow down");
    };
    const error = await encoder({ retries: 2 })
      .embed(["x"])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/3 attempts.*429/);
    expect(calls).toBe(3);
  });

  it("aborts a request that exceeds the timeout and retries it", async () => {
    let calls = 0;
    // The retry is answered at once from a vector computed up front, so only the first call is slow.
    const [ready] = await use.embed(["slow"]);
    handler = (_body, res) => {
      calls++;
      if (calls === 1) return; // never answers: the client must give up
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ object: "list", data: [{ object: "embedding", index: 0, embedding: [...ready!] }] }),
      );
    };
    const [v] = await encoder({ timeoutMs: 150 }).embed(["slow"]);
    expect(calls).toBe(2);
    expect(v).toHaveLength(512);
  });

  it("times out into UnavailableError when the server never answers", async () => {
    handler = () => {};
    const error = await encoder({ timeoutMs: 100, retries: 1 })
      .embed(["x"])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/timed out after 100 ms/);
  });

  it("does not retry a 4xx: InvalidArgumentError at once", async () => {
    let calls = 0;
    handler = (_body, res) => {
      calls++;
      res.writeHead(404).end('{"error":"model not found"}');
    };
    await expect(encoder().embed(["x"])).rejects.toThrow(InvalidArgumentError);
    expect(calls).toBe(1);
  });

  it("gives UnavailableError when nothing listens on the port", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const e = new HttpEncoder({ url: `http://127.0.0.1:${port}/v1`, model: "m", retries: 1, backoffMs: 5 });
    await expect(e.embed(["x"])).rejects.toThrow(UnavailableError);
  });

  it("rejects an invalid URL", () => {
    expect(() => new HttpEncoder({ url: "not a url", model: "m" })).toThrow(InvalidArgumentError);
  });
});
