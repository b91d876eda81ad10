import { createHash } from "node:crypto";
import { userInfo } from "node:os";
import { createPostSchedule } from "../bots/post-schedule.js";
import type { Config } from "../config/schema.js";
import type { Secrets } from "../config/secrets.js";
import type { PostBundle } from "../core/jobs.js";
import { CodedError, ErrorCode } from "../errors.js";
import { accountTargets, type PublishTarget, TARGET_LABEL } from "../publish/index.js";
import { parseWhen, whenLine } from "../publish/when.js";
import { hostTimeZone, isTimeZone } from "../publish/zone.js";
import { createBlobStore } from "../queue/blobs.js";
import { workerConnection } from "../queue/connection.js";
import { createPostStore } from "../queue/posts.js";
import { createSchedule } from "../queue/schedule.js";
import { postStateFrom } from "../skills/post/refine.js";
import type { SkillImage } from "../skills/skill.js";
import { deploymentRedisUrl } from "./deployment-redis.js";

/**
 * `llava-bot post --publish NET --at "tomorrow 9am"`: the time is read before the model runs (a bad
 * one costs nothing), then the post goes to the bot's Redis as a post the terminal approved and a
 * delayed job, which the deployment's engines publish at the time, exactly once.
 */

/** The same caption and image to the same account is one post, however often it is run. */
export function terminalPostKey(target: PublishTarget, text: string, image: SkillImage | undefined): string {
  const imageHash = image ? createHash("sha256").update(image.bytes).digest("hex") : "";
  return `cli:${createHash("sha256").update(`${target}\0${text}\0${imageHash}`).digest("hex").slice(0, 32)}`;
}

/** --at in --tz (or publish.timeZone, or the host's zone), or one sentence. */
export function resolveAt(at: string, tz: string | undefined, config: Config): { at: number; zone: string } {
  const zone = tz ?? config.publish.timeZone ?? hostTimeZone();
  if (!isTimeZone(zone))
    throw new CodedError(
      ErrorCode.BadRequest,
      `--tz "${zone}" is not a time zone I know; use an IANA name such as Europe/Berlin.`,
    );
  const when = parseWhen(at, { zone, maxAheadDays: config.publish.maxAheadDays });
  if (!when.ok) throw new CodedError(ErrorCode.BadRequest, when.message);
  return { at: when.at, zone };
}

/** The setting that names each network's account (its token stays with the engines). */
const ACCOUNT_SETTING: Record<PublishTarget, string> = {
  mastodon: "publish.mastodon.instanceUrl",
  bluesky: "publish.bluesky.handle",
  pixelfed: "publish.pixelfed.instanceUrl",
  linkedin: "publish.linkedin.author",
};

/** Before the model runs: the account must be named where the engines read the same config. */
export function checkScheduleTarget(target: PublishTarget, config: Config): void {
  if (!accountTargets(config).includes(target))
    throw new CodedError(
      ErrorCode.BadRequest,
      `Scheduling to ${TARGET_LABEL[target]} needs its account in the configuration (${ACCOUNT_SETTING[target]}), with its token where the engine runs.`,
    );
}

export async function schedulePost(o: {
  config: Config;
  secrets: Secrets;
  target: PublishTarget;
  bundle: PostBundle;
  index: number;
  image: SkillImage | undefined;
  at: number;
  zone: string;
}): Promise<{ id: string; at: number; line: string; duplicate: boolean }> {
  const { config } = o;
  const url = deploymentRedisUrl(config, o.secrets, "post --at");
  const prefix = config.redis.prefix;
  const redis = workerConnection(url);
  const schedule = createSchedule({ redisUrl: url, prefix, config });
  try {
    const text = o.bundle.variants[o.index]?.text ?? "";
    const postId = terminalPostKey(o.target, text, o.image);
    const blobs = createBlobStore(redis, {
      prefix,
      ttlS: config.limits.blobTtlS,
      maxBytes: config.limits.maxImageBytes,
    });
    const image = o.image
      ? {
          ...(await blobs.put(o.image.bytes, {
            mime: o.image.mime,
            width: o.image.width,
            height: o.image.height,
            name: o.image.filename,
          })),
          altText: o.image.altText,
          filename: o.image.filename,
        }
      : undefined;
    const user = { id: `cli:${userInfo().username}`, name: userInfo().username.slice(0, 100) };
    await createPostStore(redis, prefix).save(
      {
        postId,
        platform: "cli",
        requester: user,
        scope: { id: "cli", channelId: "terminal" },
        state: postStateFrom(o.bundle, image?.key ?? "none"),
        bundle: o.bundle,
        ...(image ? { image } : {}),
        version: 0,
      },
      { channel: "terminal" },
    );
    // Whoever holds the account's configuration at a terminal is its approver.
    const flow = createPostSchedule({
      platform: "cli",
      config,
      redis,
      schedule,
      approvers: { configured: true, who: "the terminal", setting: "" },
      // --tz (or the resolved default) is the terminal's zone.
      profileZone: async () => o.zone,
    });
    const out = await flow.schedule(postId, o.index, o.at, { user, approver: true });
    if (!out.accepted) throw new CodedError(ErrorCode.BadRequest, out.message);
    return { id: out.approvalId, at: out.at, line: whenLine(out.at, o.zone), duplicate: out.duplicate };
  } finally {
    await schedule.close();
    redis.disconnect();
  }
}
