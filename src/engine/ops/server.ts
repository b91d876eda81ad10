import type { AddressInfo } from "node:net";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { Queue } from "bullmq";
import Fastify from "fastify";
import { credentialsMatch, isLoopbackHost, passwordGate } from "../../core/basic-auth.js";
import { CodedError, ErrorCode } from "../../errors.js";
import { logger } from "../../log.js";
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
  /** The user name the password goes with; any is accepted when unset. */
  dashboardUser?: string;
  /** Serve /metrics beyond loopback without a password (ops.public), with a warning. */
  public?: boolean;
}

/**
 * /metrics, /healthz and, behind basic auth, the bull-board queue dashboard at /queues. Bound
 * beyond loopback, /metrics needs the dashboard's password too (and without one the server does
 * not start, unless ops.public says so); /healthz stays open for probes and tells nothing secret.
 */
export async function serveOps(metrics: Metrics, options: OpsServerOptions) {
  const password = options.dashboardPassword;
  const exposed = !isLoopbackHost(options.host);
  if (exposed && !password && !options.public)
    throw new CodedError(
      ErrorCode.ConfigInvalid,
      `The engine's /metrics would listen on ${options.host} without a password: set DASHBOARD_PASSWORD (or ops.public: true), or use ops.metricsHost 127.0.0.1.`,
    );
  if (exposed && !password)
    logger().warn(`/metrics listens on ${options.host} without a password (ops.public: true)`);
  const gate = password
    ? passwordGate({
        realm: "llava-bot queues",
        accepts: (header) =>
          credentialsMatch(header, { password, user: options.dashboardUser }) ? true : undefined,
      })
    : undefined;

  const app = Fastify({ logger: false });
  await app.register(async (scope) => {
    if (exposed && gate) scope.addHook("onRequest", gate.hook);
    scope.get("/metrics", async (_req, reply) => {
      reply.header("content-type", metrics.registry.contentType);
      return metrics.registry.metrics();
    });
  });
  app.get("/healthz", async (_req, reply) => {
    const ok = await options.healthy();
    reply.code(ok ? 200 : 503);
    return { ok, ...options.details?.() };
  });
  if (gate) {
    await app.register(async (scope) => {
      scope.addHook("onRequest", gate.hook);
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
