/**
 * One adapter replica in a process of its own, for tests that kill it with SIGKILL mid-answer.
 * Reads its start options from LLAVA_REPLICA (JSON: platform, config, secrets, redisUrl, port),
 * starts the adapter through its usual entry point (startDiscord / startSlack), prints
 * "ready <port>" on stdout once connected, and closes cleanly on SIGTERM. Logs go to stderr.
 * Run with `node --import tsx test/helpers/replica-main.ts` (replica.ts does).
 */
import { startDiscord } from "../../src/bots/discord/index.js";
import { startSlack } from "../../src/bots/slack/index.js";
import { parseConfig } from "../../src/config/load.js";
import type { Secrets } from "../../src/config/secrets.js";

export interface ReplicaSpec {
  platform: "discord" | "slack";
  config: unknown;
  secrets: Secrets;
  redisUrl: string;
  /** Slack's HTTP port (0: a free one). */
  port?: number;
}

const spec = JSON.parse(process.env.LLAVA_REPLICA ?? "{}") as ReplicaSpec;
const config = parseConfig(spec.config, "LLAVA_REPLICA");
const started =
  spec.platform === "discord"
    ? { ...(await startDiscord({ config, secrets: spec.secrets, redisUrl: spec.redisUrl })), port: 0 }
    : await startSlack({ config, secrets: spec.secrets, redisUrl: spec.redisUrl, port: spec.port ?? 0 });
process.stdout.write(`ready ${started.port}\n`);
process.once("SIGTERM", () => {
  void started.close().finally(() => process.exit(0));
});
