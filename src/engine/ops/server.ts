import { timingSafeEqual } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { Queue } from "bullmq";
import Fastify from "fastify";
import type { Metrics } from "./metrics.js";

export interface OpsServerOptions {
  host: string;
  port: number;
  healthy: () => boolean | Promise<boolean>;
  /** Extra facts for /healthz (e.g. the model's loading state). */
  details?: () => Record<string, unknown>;
  /** Queues shown on the dashboard at /queues; the dashboard is off without a password. */
  queues: Queue[];
  dashboardPassword?: string;
}

function passwordMatches(header: string | undefined, password: string): boolean {
  if (!header?.startsWith("Basic ")) return false;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const given = Buffer.from(decoded.slice(decoded.indexOf(":") + 1));
  const wanted = Buffer.from(password);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** /metrics, /healthz and, behind basic auth, the bull-board queue dashboard at /queues. */
export async function serveOps(metrics: Metrics, options: OpsServerOptions) {
  const app = Fastify({ logger: false });
  app.get("/metrics", async (_req, reply) => {
    reply.header("content-type", metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  app.get("/healthz", async (_req, reply) => {
    const ok = await options.healthy();
    reply.code(ok ? 200 : 503);
    return { ok, ...options.details?.() };
  });
  const password = options.dashboardPassword;
  if (password) {
    await app.register(async (scope) => {
      scope.addHook("onRequest", async (req, reply) => {
        if (!passwordMatches(req.headers.authorization, password)) {
          reply
            .header("www-authenticate", 'Basic realm="llava-bot queues"')
            .code(401)
            .send("password required");
        }
      });
      const adapter = new FastifyAdapter();
      adapter.setBasePath("/queues");
      createBullBoard({ queues: options.queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter });
      await scope.register(adapter.registerPlugin(), { prefix: "/queues" });
    });
  }
  await app.listen({ host: options.host, port: options.port });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://${options.host}:${port}`, dashboard: Boolean(password), close: () => app.close() };
}
