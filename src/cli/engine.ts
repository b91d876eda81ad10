import { Queue } from "bullmq";
import { createEngine } from "../engine/engine.js";
import { describeStatus, statusAsProgress } from "../engine/model/status.js";
import { createMetrics } from "../engine/ops/metrics.js";
import { serveOps } from "../engine/ops/server.js";
import { startEngineWorker } from "../engine/worker.js";
import { logger } from "../log.js";
import { bullConnection } from "../queue/connection.js";
import { bullQueueName } from "../queue/names.js";
import { COMMON_OPTIONS, configFromFlags, parse, requireRedisUrl, usage } from "./args.js";
import { loadProgress } from "./progress.js";
import { shutdownSteps, stopSignal } from "./shutdown.js";

const HELP = `usage: llava-bot engine [--model ID|PATH]

Runs an engine worker on the requests queue of REDIS_URL. Start as many as you have GPUs or hosts,
all against the same Redis. Metrics on ops.metricsPort (/metrics, /healthz). SIGTERM or Ctrl-C
stops taking jobs and lets the running ones finish within engine.shutdownGraceMs.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, COMMON_OPTIONS);
  if (values.help) return usage(HELP);
  const stopRequested = stopSignal();
  const loaded = configFromFlags(values);
  const { config, secrets } = loaded;
  const redisUrl = requireRedisUrl(secrets, "engine", config.redis.prefix);
  const prefix = config.redis.prefix;
  const engine = await createEngine(loaded);
  const names = ["requests", "deliveries:discord", "deliveries:slack", "deliveries:web"] as const;
  const bullQueues = names.map(
    (name) => new Queue(bullQueueName(name), { connection: bullConnection(redisUrl, "queue"), prefix }),
  );
  const metrics = createMetrics(bullQueues);
  const worker = startEngineWorker({
    redisUrl,
    prefix,
    config,
    engine,
    secrets,
    onJobDone: (i) => metrics.observe(i),
  });
  const ops =
    config.ops.metricsPort === null
      ? undefined
      : await serveOps(metrics, {
          host: config.ops.metricsHost,
          port: config.ops.metricsPort,
          healthy: () => worker.worker.isRunning(),
          details: () => ({
            model: { ...engine.loader.status(), text: describeStatus(engine.loader.status()) },
          }),
          queues: bullQueues,
          ...(secrets.dashboardPassword ? { dashboardPassword: secrets.dashboardPassword } : {}),
          ...(config.ops.dashboardUser ? { dashboardUser: config.ops.dashboardUser } : {}),
          public: config.ops.public,
        });
  logger().info(
    {
      model: engine.model.id,
      prefix,
      concurrency: config.engine.concurrency,
      metrics: ops?.url,
      dashboard: ops?.dashboard ? `${ops.url}/queues` : "off (set DASHBOARD_PASSWORD)",
    },
    "engine started",
  );
  // Load weights now rather than on the first job, so the first user does not wait for it. On a
  // terminal the download draws a bar; in logs it is a line every few seconds.
  const tty = process.stderr.isTTY === true;
  const show = loadProgress(`model ${engine.model.id}`, {
    tty,
    write: (s) => (tty ? process.stderr.write(s) : logger().info(s.trim())),
  });
  engine.loader.onChange((s) => show(statusAsProgress(s)));
  void engine.loader.ensure().then(
    () => logger().info({ model: engine.model.id }, "model ready"),
    (err: unknown) => logger().error({ err }, "model failed to load"),
  );

  const stops = shutdownSteps();
  stops.add("engine", () => engine.close());
  stops.add("queues", () => Promise.all(bullQueues.map((q) => q.close())));
  stops.add("ops server", async () => ops?.close());
  stops.add("engine worker", (workMs) => worker.close(workMs));
  await stopRequested;
  logger().info("engine stopping: no new jobs; finishing the running ones");
  await stops.stopAll(config.engine.shutdownGraceMs);
  return 0;
}
