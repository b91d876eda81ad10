import { join, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import type { Config } from "../config/schema.js";
import type { Secrets } from "../config/secrets.js";
import { type PostBundle, postBundleSchema } from "../core/jobs.js";
import { CodedError, ErrorCode } from "../errors.js";
import {
  createPublisher,
  filePublishStore,
  PUBLISH_TARGETS,
  type Published,
  type PublishTarget,
  publishOnce,
  TARGET_LABEL,
  targetForPlatform,
} from "../publish/index.js";
import { whenLine } from "../publish/when.js";
import { isoInZone } from "../publish/zone.js";
import { LOOK_NAMES } from "../skills/edit/index.js";
import { writePostBundle } from "../skills/post/bundle.js";
import { PLATFORM_NAMES, TONES } from "../skills/post/index.js";
import type { SkillImage } from "../skills/skill.js";
import { COMMON_OPTIONS, configFromFlags, parse, readImage, usage } from "./args.js";
import { deploymentRedisUrl } from "./deployment-redis.js";
import { checkScheduleTarget, resolveAt, schedulePost, terminalPostKey } from "./post-schedule.js";
import { runOnce } from "./run-engine.js";

const HELP = `usage: llava-bot post <image> --platform NAME [--tone T] [--variants N] [--look L] [--lang CODE] [--watermark TEXT] [--model ID|PATH] -o <dir>
       llava-bot post <image> --publish mastodon|bluesky|pixelfed|linkedin [--pick N] [-o <dir>] [...the options above]
       llava-bot post <image> --publish TARGET [--pick N] --at "tomorrow 9am" [--tz ZONE] [--dry-run]

Writes <dir>/post.json (caption variants with hashtags and lengths, alt text) and the prepared image.
With --publish, shows the captions, asks which one to publish (or takes --pick N, for scripts),
publishes it with the image and its alt text, and prints the live URL. The platform is the
publishing target (its rules apply: a Mastodon post follows the instance's limits). Accounts: publish.mastodon.instanceUrl + MASTODON_ACCESS_TOKEN,
publish.bluesky.handle + BLUESKY_APP_PASSWORD, publish.pixelfed.instanceUrl + PIXELFED_ACCESS_TOKEN, or
publish.linkedin.author + LINKEDIN_ACCESS_TOKEN. The same caption and image are published once.
With --at, the post is scheduled on the bot's queue (REDIS_URL, or the Redis of a running
\`llava-bot start\`) and a running engine publishes it then; the time is read in --tz (an IANA zone;
default publish.timeZone, else this machine's) and printed in ISO 8601 and in words. --dry-run
prints only the time and the caption, and needs no account or Redis. See llava-bot scheduled.
  platforms: ${PLATFORM_NAMES.join(", ")}
  tones:     ${TONES.join(", ")}
  looks:     ${LOOK_NAMES.join(", ")}`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  platform: { type: "string" },
  tone: { type: "string" },
  variants: { type: "string" },
  look: { type: "string" },
  lang: { type: "string" },
  watermark: { type: "string" },
  out: { type: "string", short: "o" },
  publish: { type: "string" },
  pick: { type: "string" },
  at: { type: "string" },
  tz: { type: "string" },
  "dry-run": { type: "boolean" },
} as const;

function oneOf(value: string | undefined, allowed: readonly string[], flag: string): void {
  if (value !== undefined && !allowed.includes(value))
    throw new CodedError(
      ErrorCode.BadRequest,
      `Unknown ${flag} "${value}". Choose one of: ${allowed.join(", ")}.`,
    );
}

function wholeNumber(value: string | undefined, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 1 && n <= max))
    throw new CodedError(ErrorCode.BadRequest, `${flag} must be a whole number from 1 to ${max}.`);
  return n;
}

/** The caption to publish: --pick, or a question on the terminal. */
async function choose(bundle: PostBundle, pick: number | undefined, target: PublishTarget): Promise<number> {
  const n = bundle.variants.length;
  if (n === 0)
    throw new CodedError(
      ErrorCode.BadRequest,
      `The model wrote no caption to publish${bundle.shortfall ? ` (${bundle.shortfall})` : ""}. Nothing was published.`,
    );
  if (pick !== undefined) {
    if (pick > n)
      throw new CodedError(
        ErrorCode.BadRequest,
        `--pick ${pick}: there ${n === 1 ? "is 1 caption" : `are ${n} captions`}. Nothing was published.`,
      );
    return pick - 1;
  }
  if (!process.stdin.isTTY)
    throw new CodedError(
      ErrorCode.BadRequest,
      "--publish asks which caption to post; outside a terminal, say it with --pick N.",
    );
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    for (;;) {
      const answer = (
        await rl.question(`Publish which caption to ${TARGET_LABEL[target]}? [1-${n}, q to cancel] `)
      ).trim();
      if (/^q(uit)?$/i.test(answer) || answer === "")
        throw new CodedError(ErrorCode.BadRequest, "Nothing was published.");
      const i = Number(answer);
      if (Number.isInteger(i) && i >= 1 && i <= n) return i - 1;
    }
  } finally {
    rl.close();
  }
}

async function publishChosen(o: {
  target: PublishTarget;
  bundle: PostBundle;
  index: number;
  image: SkillImage | undefined;
  config: Config;
  secrets: Secrets;
  storeDir: string;
}): Promise<Published> {
  const publisher = createPublisher(o.target, o.config, o.secrets);
  const text = o.bundle.variants[o.index]?.text ?? "";
  const id = terminalPostKey(o.target, text, o.image);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  try {
    return await publishOnce({
      store: filePublishStore(join(o.storeDir, "published.json")),
      publisher,
      approval: { id, at: Date.now() },
      post: {
        text,
        ...(o.bundle.lang ? { lang: o.bundle.lang } : {}),
        ...(o.image
          ? {
              image: {
                bytes: o.image.bytes,
                mime: o.image.mime,
                width: o.image.width,
                height: o.image.height,
                altText: o.image.altText,
              },
            }
          : {}),
      },
      signal: controller.signal,
    });
  } finally {
    process.off("SIGINT", stop);
  }
}

/** --at: schedules the chosen caption (or, with --dry-run, says what it would schedule). */
async function scheduleChosen(o: {
  at: number;
  zone: string;
  target: PublishTarget;
  bundle: PostBundle;
  pick: number | undefined;
  image: SkillImage | undefined;
  loaded: { config: Config; secrets: Secrets };
  values: { json?: boolean; "dry-run"?: boolean };
}): Promise<number> {
  const index = await choose(o.bundle, o.pick, o.target);
  const caption = o.bundle.variants[index]?.text ?? "";
  const label = TARGET_LABEL[o.target];
  if (o.values["dry-run"]) {
    const json = { dryRun: true, at: isoInZone(o.zone, o.at), zone: o.zone, target: o.target, caption };
    process.stdout.write(
      o.values.json
        ? `${JSON.stringify(json)}\n`
        : `Would schedule caption ${index + 1} to ${label} for ${whenLine(o.at, o.zone)}:\n\n${caption}\n`,
    );
    return 0;
  }
  const done = await schedulePost({
    ...o.loaded,
    target: o.target,
    bundle: o.bundle,
    index,
    image: o.image,
    at: o.at,
    zone: o.zone,
  });
  const json = { scheduled: { id: done.id, at: isoInZone(o.zone, done.at), zone: o.zone, target: o.target } };
  process.stdout.write(
    o.values.json
      ? `${JSON.stringify(json)}\n`
      : `\n${done.duplicate ? "Already scheduled" : "Scheduled"} caption ${index + 1} to ${label} for ${done.line}.\nid ${done.id} (llava-bot scheduled cancel ${done.id})\n`,
  );
  return 0;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS);
  if (values.help) return usage(HELP);
  const [path, ...extra] = positionals;
  if (!path || extra.length)
    throw new CodedError(ErrorCode.BadRequest, "post takes one image path. Run llava-bot post --help.");
  oneOf(values.publish, PUBLISH_TARGETS, "--publish target");
  const target = values.publish as PublishTarget | undefined;
  if (!values.out && !target)
    throw new CodedError(ErrorCode.BadRequest, "post needs an output folder: -o <dir>");
  if (values.pick !== undefined && !target)
    throw new CodedError(ErrorCode.BadRequest, "--pick chooses the caption for --publish; add --publish.");
  oneOf(values.platform, PLATFORM_NAMES, "platform");
  // The post is written to one network's rules (length, alt text, image size): the one it goes to.
  if (target && values.platform && targetForPlatform(values.platform) !== target)
    throw new CodedError(
      ErrorCode.BadRequest,
      `--platform ${values.platform} does not match --publish ${target}: a post is written to the rules of the network it goes to, so leave out --platform (or make it ${target}).`,
    );
  oneOf(values.tone, TONES, "tone");
  oneOf(values.look, LOOK_NAMES, "look");
  const variants = wholeNumber(values.variants, "--variants", 5);
  const pick = wholeNumber(values.pick, "--pick", 5);
  if (target && pick === undefined && !process.stdin.isTTY)
    throw new CodedError(
      ErrorCode.BadRequest,
      "--publish asks which caption to post; outside a terminal, say it with --pick N.",
    );
  if ((values.tz || values["dry-run"]) && !values.at)
    throw new CodedError(ErrorCode.BadRequest, "--tz and --dry-run go with --at (when to publish).");
  if (values.at && !target)
    throw new CodedError(ErrorCode.BadRequest, "--at schedules a post for --publish; add --publish.");
  const loaded = configFromFlags(values);
  // Fail before the model runs when the time, the account or the queue is not there.
  const when = values.at ? resolveAt(values.at, values.tz, loaded.config) : undefined;
  if (target && when && !values["dry-run"]) {
    checkScheduleTarget(target, loaded.config);
    deploymentRedisUrl(loaded.config, loaded.secrets, "post --at");
  } else if (target && !when) createPublisher(target, loaded.config, loaded.secrets);
  // The post keeps full resolution: the model gets its own shrunk copy inside the skill.
  const image = await readImage(path, {
    ...loaded.config,
    model: { ...loaded.config.model, maxImageEdge: 4096 },
  });
  const args: Record<string, string | number> = {
    platform: values.platform ?? target ?? "instagram",
    ...(values.tone ? { tone: values.tone } : {}),
    ...(variants ? { variants } : {}),
    ...(values.look ? { look: values.look } : {}),
    ...(values.lang ? { lang: values.lang } : {}),
    ...(values.watermark ? { watermark: values.watermark } : {}),
  };
  const { output } = await runOnce(
    loaded,
    { command: "post", args, text: "", images: [image], history: [] },
    { quiet: Boolean(values.json) },
  );
  const bundle = postBundleSchema.parse(output.post);
  const dir = values.out ? resolve(values.out) : undefined;
  const files = dir ? await writePostBundle(dir, bundle, output.images[0]) : [];
  if (!values.json && !values["dry-run"])
    process.stdout.write(`${output.text}\n${dir ? `\nwrote ${files.join(", ")} to ${dir}\n` : ""}`);
  if (target && when)
    return scheduleChosen({ ...when, target, bundle, pick, image: output.images[0], loaded, values });
  let published: Published | undefined;
  if (target) {
    const index = await choose(bundle, pick, target);
    published = await publishChosen({
      target,
      bundle,
      index,
      image: output.images[0],
      config: loaded.config,
      secrets: loaded.secrets,
      storeDir: dir ?? resolve(loaded.config.redis.stateDir),
    });
    if (!values.json)
      process.stdout.write(
        published.duplicate
          ? `\nAlready published to ${TARGET_LABEL[target]} (caption ${index + 1}; nothing posted again): ${published.url}\n`
          : `\nPublished caption ${index + 1} to ${TARGET_LABEL[target]}: ${published.url}\n`,
      );
  }
  if (values.json)
    process.stdout.write(
      `${JSON.stringify({ ...(dir ? { dir, files } : {}), ...(published ? { published } : {}) })}\n`,
    );
  return 0;
}
