import { createPostSchedule } from "../bots/post-schedule.js";
import { CodedError, ErrorCode } from "../errors.js";
import { whenLine } from "../publish/when.js";
import { hostTimeZone, isTimeZone } from "../publish/zone.js";
import { workerConnection } from "../queue/connection.js";
import { createSchedule } from "../queue/schedule.js";
import { COMMON_OPTIONS, configFromFlags, parse, usage } from "./args.js";
import { deploymentRedisUrl } from "./deployment-redis.js";

const HELP = `usage: llava-bot scheduled [list] [--tz ZONE] [--json]
       llava-bot scheduled cancel ID

Lists the posts waiting for their time on the bot's queue (REDIS_URL, or the Redis of a running
\`llava-bot start\`), soonest first: id, time (ISO 8601 and in words, in --tz or publish.timeZone),
network, where it was scheduled and the caption's start. cancel ID removes one; nothing is published.`;

const OPTIONS = { ...COMMON_OPTIONS, tz: { type: "string" } } as const;

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS);
  if (values.help) return usage(HELP);
  const [action = "list", id, ...extra] = positionals;
  if (!["list", "cancel"].includes(action) || extra.length || (action === "cancel") !== Boolean(id))
    throw new CodedError(ErrorCode.BadRequest, "usage: llava-bot scheduled [list] | scheduled cancel ID");
  const { config, secrets } = configFromFlags(values);
  const zone = values.tz ?? config.publish.timeZone ?? hostTimeZone();
  if (!isTimeZone(zone))
    throw new CodedError(
      ErrorCode.BadRequest,
      `--tz "${zone}" is not a time zone I know; use an IANA name such as Europe/Berlin.`,
    );
  const url = deploymentRedisUrl(config, secrets, "scheduled");
  const redis = workerConnection(url);
  const schedule = createSchedule({ redisUrl: url, prefix: config.redis.prefix, config });
  // The terminal holds the deployment's configuration: it may change any scheduled post.
  const flow = createPostSchedule({
    platform: "cli",
    config,
    redis,
    schedule,
    approvers: { configured: true, who: "the terminal", setting: "" },
  });
  try {
    if (action === "cancel") {
      const out = await flow.change(id ?? "", "cancel", { user: { id: "cli" }, approver: true });
      if (!out.done) throw new CodedError(ErrorCode.BadRequest, out.message);
      process.stdout.write(`${out.message}\n`);
      return 0;
    }
    const posts = await flow.listAll();
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify(posts.map((p) => ({ id: p.approvalId, at: new Date(p.at).toISOString(), network: p.network, platform: p.request.platform, scope: p.request.scope.id, by: p.by.name ?? p.by.id, caption: p.caption })))}\n`,
      );
      return 0;
    }
    if (!posts.length) {
      process.stdout.write("Nothing is scheduled.\n");
      return 0;
    }
    for (const p of posts)
      process.stdout.write(
        `${p.approvalId}\n  ${whenLine(p.at, zone)}\n  ${p.network} · from ${p.request.platform} · by ${p.by.name ?? p.by.id} · ${oneLine(p.caption, 60)}\n`,
      );
    return 0;
  } finally {
    await schedule.close();
    redis.disconnect();
  }
}
