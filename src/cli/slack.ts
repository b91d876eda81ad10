import { startSlack } from "../bots/slack/index.js";
import { COMMON_OPTIONS, configFromFlags, parse, requireRedisUrl, usage } from "./args.js";
import { shutdownSteps, stopSignal } from "./shutdown.js";

const HELP = `usage: llava-bot slack

Runs the Slack adapter against REDIS_URL: Socket Mode when SLACK_APP_TOKEN is set, otherwise the
Events API over HTTP on slack.port (POST /slack/events). Needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET.
Create the app from config/slack-app-manifest.yaml.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, COMMON_OPTIONS);
  if (values.help) return usage(HELP);
  const stopRequested = stopSignal();
  const { config, secrets } = configFromFlags(values);
  const redisUrl = requireRedisUrl(secrets, "slack", config.redis.prefix);
  const slack = await startSlack({ config, secrets, redisUrl });
  process.stdout.write(
    `slack    ${slack.mode === "socket" ? "Socket Mode" : `Events API on port ${slack.port} (/slack/events)`}\n`,
  );
  const stops = shutdownSteps();
  stops.add("slack", (workMs) => slack.close(workMs));
  await stopRequested;
  await stops.stopAll(config.engine.shutdownGraceMs);
  return 0;
}
