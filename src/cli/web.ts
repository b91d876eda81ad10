import { assertExposure } from "../bots/web/guard.js";
import { startWeb } from "../bots/web/index.js";
import { COMMON_OPTIONS, configFromFlags, parse, portFlag, requireRedisUrl, usage } from "./args.js";
import { shutdownSteps, stopSignal } from "./shutdown.js";

const HELP = `usage: llava-bot web [--port N]

Runs only the web playground adapter against REDIS_URL (engines run separately: llava-bot engine).`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...COMMON_OPTIONS, port: { type: "string" } });
  if (values.help) return usage(HELP);
  const { config, secrets } = configFromFlags(values);
  assertExposure(config, { password: secrets.webPassword, approverPassword: secrets.webApproverPassword });
  const stopRequested = stopSignal();
  const redisUrl = requireRedisUrl(secrets, "web", config.redis.prefix);
  if (values.port !== undefined) config.web.port = portFlag(values.port);
  const web = await startWeb({ config, secrets, redisUrl });
  process.stdout.write(`web      ${web.url}\n`);
  const stops = shutdownSteps();
  stops.add("web", () => web.close());
  await stopRequested;
  await stops.stopAll(config.engine.shutdownGraceMs);
  return 0;
}
