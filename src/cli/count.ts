import { text as readStream } from "node:stream/consumers";
import { PLATFORM_NAMES, type PlatformName } from "../core/post-state.js";
import { CodedError, ErrorCode } from "../errors.js";
import { type InstanceRead, instanceFor, instanceLimits } from "../publish/instance.js";
import { countFor, overLimit, unitOf, utf8Bytes } from "../skills/post/count.js";
import { captionRule, presetFor } from "../skills/post/presets.js";
import { COMMON_OPTIONS, configFromFlags, parse, usage } from "./args.js";

const HELP = `usage: llava-bot count "<text>" --platform NAME [--instance URL] [--json]
       llava-bot count - --platform NAME          (the text from stdin)

Prints the text's length as the network counts it, and the limit; exits 1 when it is over.
  x          twitter-text's weighting: links (with or without https://) 23, CJK and emoji 2
  mastodon   grapheme clusters, each link as the instance says (23 by default), @user@domain as @user;
             the limits of --instance or publish.mastodon.instanceUrl, read from GET /api/v2/instance
  pixelfed   code points, links in full; the limits of --instance or publish.pixelfed.instanceUrl
  threads    characters, each emoji as its UTF-8 bytes (😀 is 4)
  bluesky    grapheme clusters (300) and UTF-8 bytes (3,000)
  others     grapheme clusters (instagram-story: the text laid over the story)
  platforms: ${PLATFORM_NAMES.join(", ")}`;

const OPTIONS = { ...COMMON_OPTIONS, platform: { type: "string" }, instance: { type: "string" } } as const;

function thousands(n: number): string {
  return n.toLocaleString("en-US");
}

async function draft(positionals: string[]): Promise<string> {
  if (positionals.length > 1)
    throw new CodedError(
      ErrorCode.BadRequest,
      "count takes one text: put it in quotes, or pass - to read stdin.",
    );
  const [given] = positionals;
  if (given !== undefined && given !== "-") return given;
  if (given === undefined && process.stdin.isTTY)
    throw new CodedError(ErrorCode.BadRequest, 'count needs the text: llava-bot count "…" --platform x');
  return (await readStream(process.stdin)).replace(/\r?\n$/, "");
}

/** Where a Mastodon count's limits came from, for the line. */
function sourceOf(url: string, read: InstanceRead): string {
  const host = new URL(url).host;
  return read.from === "instance" ? ` (${host})` : ` (defaults: ${host} could not be read, ${read.reason})`;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS);
  if (values.help) return usage(HELP);
  const platform = values.platform as PlatformName | undefined;
  if (!platform || !PLATFORM_NAMES.includes(platform))
    throw new CodedError(
      ErrorCode.BadRequest,
      `count needs --platform, one of: ${PLATFORM_NAMES.join(", ")}${platform ? ` (not "${platform}")` : ""}.`,
    );
  const text = await draft(positionals);
  const { config } = configFromFlags(values);
  if (values.instance && !/^https?:\/\/[^/]/.test(values.instance))
    throw new CodedError(ErrorCode.BadRequest, "--instance must be a URL such as https://mastodon.social.");
  // --instance names a Mastodon or Pixelfed server; other networks state no limits of their own.
  const instance =
    platform === "mastodon" || platform === "pixelfed"
      ? (values.instance ?? instanceFor(platform, config))
      : undefined;
  const read = instance ? await instanceLimits(instance, { timeoutMs: config.publish.timeoutMs }) : undefined;
  const preset = presetFor(platform, {
    instagramHashtags: config.post.instagramHashtags,
    ...(read ? { limits: read.limits } : {}),
  });
  const rule = captionRule(preset);
  const count = countFor(rule.counting, text, rule.urlLength ? { urlLength: rule.urlLength } : {});
  const bytes = utf8Bytes(text);
  const over = overLimit(rule, text);
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({
        platform,
        count,
        limit: rule.limit,
        unit: unitOf(rule.counting),
        bytes,
        ...(rule.maxBytes !== undefined ? { maxBytes: rule.maxBytes } : {}),
        fits: !over,
        ...(read ? { limitsFrom: read.from } : {}),
      })}\n`,
    );
    return over ? 1 : 0;
  }
  const parts = [`${thousands(count)} / ${thousands(rule.limit)} ${unitOf(rule.counting)}`];
  if (rule.maxBytes !== undefined)
    parts.push(`${thousands(bytes)} / ${thousands(rule.maxBytes)} bytes (UTF-8)`);
  const verdict = over ? `over by ${thousands(over.count - over.limit)} ${over.unit}` : "fits";
  process.stdout.write(
    `${preset.label}${instance && read ? sourceOf(instance, read) : ""}: ${parts.join(", ")}: ${verdict}\n`,
  );
  return over ? 1 : 0;
}
