// The floor: one fastify POST route doing one Redis GET of a user-features-sized value and sending it
// back. Benchmark-only; nothing of Tandem runs here. Env: REDIS_URL, FLOOR_KEY, PORT.
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(join(import.meta.dirname, "../../services/ranking-api/package.json"));
const Fastify = require("fastify");
const { Redis } = require("ioredis");

const redis = new Redis(process.env.REDIS_URL);
const key = process.env.FLOOR_KEY;
const app = Fastify();
app.post("/floor", async (_request, reply) =>
  reply.type("application/octet-stream").send(await redis.getBuffer(key)),
);
app.get("/readyz", async () => ({ status: "ready" }));
await app.listen({ host: "127.0.0.1", port: Number(process.env.PORT) });
process.on("SIGTERM", () => process.exit(0));
