import type { Config } from "../config/schema.js";
import type { PostBundle } from "../core/jobs.js";
import { PLATFORM_NAMES, type PlatformName, TONES } from "../core/post-state.js";
import type { Card, CardButton, CardSelect } from "../core/surface.js";
import { nextSlots, type Slot } from "../publish/when.js";
import { hostTimeZone } from "../publish/zone.js";
import { PRESETS } from "../skills/post/presets.js";
import { languageName } from "../skills/post/prompts.js";
import { captionCount } from "../skills/post/summary.js";
import { type PostAction, postComponentId } from "./post-clicks.js";
import type { ScheduledPost } from "./post-schedule.js";
import { OTHER_TIME } from "./post-when.js";

/**
 * A post's card, described once for every platform: a title, a section per caption with its
 * Approve button, the shortfall and the alt text as small print, and the refinements (Regenerate,
 * Shorter, menus for tone, platform and language). Each surface renders it its own way: Discord
 * components, Slack blocks, the playground's JSON.
 */

/** Approve buttons a card carries at most (Discord's row holds five). */
const MAX_APPROVE = 5;

function button(postId: string, action: PostAction, label: string, primary = false): CardButton {
  return { type: "button", id: postComponentId(postId, action), label, ...(primary ? { primary } : {}) };
}

function label(platform: string): string {
  return PRESETS[platform as PlatformName]?.label ?? platform;
}

function postTitle(post: PostBundle): string {
  return `${label(post.platform)} post, ${captionCount(post)} (limit ${post.limit})`;
}

/** Options Discord's menu holds. */
const MAX_OPTIONS = 25;

/**
 * "Schedule…": each caption at each of the next slots, and Other time… (a typed time), as one
 * menu (options `<caption>-<unix s>`, so a click carries the instant it showed, and
 * `<caption>-other`, which opens a form); a time already gone when clicked is refused. Each caption
 * keeps its Other time… within the menu's 25 options.
 */
function scheduleMenu(postId: string, post: PostBundle, slots: readonly Slot[]): CardSelect[] {
  const captions = post.variants.slice(0, MAX_APPROVE);
  if (!captions.length) return [];
  const perCaption = Math.floor(MAX_OPTIONS / captions.length) - 1;
  const named = (n: number, label: string) => (captions.length > 1 ? `Caption ${n} · ${label}` : label);
  const options = captions.flatMap((_, i) => [
    ...slots.slice(0, perCaption).map((s) => ({
      value: `${i + 1}-${Math.floor(s.at / 1000)}`,
      label: named(i + 1, s.label),
    })),
    { value: `${i + 1}-${OTHER_TIME}`, label: named(i + 1, "Other time…") },
  ]);
  return [{ type: "select", id: postComponentId(postId, "schedule"), placeholder: "Schedule…", options }];
}

/** Where a scheduled post stands, as its card says it (post-standing.ts writes the line). */
export type PostStatus = NonNullable<Card["status"]> & {
  /** The publish failed: the card offers Retry. */
  retry?: boolean;
};

/**
 * The card as a platform's delivery draws it: the configured languages, and the slots still ahead
 * now. With a `status` (a scheduled post) it shows the captions and where the post stands, and no
 * control that would approve, schedule or change it again; a failed one keeps Retry.
 */
export function postCardFor(postId: string, post: PostBundle, config: Config, status?: PostStatus): Card {
  if (status) {
    const { retry, ...line } = status;
    const open = postCard(postId, post, []);
    return {
      ...open,
      sections: open.sections.map(({ button: _approve, ...s }) => s),
      actions: retry ? [button(postId, "retry", "Retry", true)] : [],
      status: line,
    };
  }
  const zone = config.publish.timeZone ?? hostTimeZone();
  const slots = nextSlots(config.publish.slots, { zone, maxAheadDays: config.publish.maxAheadDays });
  return postCard(postId, post, config.post.languages, slots);
}

function postCard(
  postId: string,
  post: PostBundle,
  languages: readonly string[],
  slots: readonly Slot[] = [],
): Card {
  return {
    title: postTitle(post),
    sections: post.variants.map((v, n) => ({
      text: `*${n + 1}.* ${v.text}`,
      copy: v.text,
      footer: `${v.chars} / ${post.limit}`,
      ...(n < MAX_APPROVE ? { button: button(postId, `approve-${n + 1}`, "Approve", true) } : {}),
    })),
    notes: [
      ...(post.shortfall ? [{ text: post.shortfall }] : []),
      // A story has no alt text (its words sit on the image).
      ...(post.altText ? [{ text: `*Alt text:* ${post.altText}`, copy: post.altText }] : []),
    ],
    actions: [
      ...scheduleMenu(postId, post, slots),
      button(postId, "regenerate", "Regenerate"),
      button(postId, "shorter", "Shorter"),
      {
        type: "select",
        id: postComponentId(postId, "tone"),
        placeholder: `Tone: ${post.tone ?? "casual"}`,
        options: TONES.map((t) => ({ value: t, label: t })),
      },
      {
        type: "select",
        id: postComponentId(postId, "platform"),
        placeholder: `Platform: ${label(post.platform)}`,
        options: PLATFORM_NAMES.map((p) => ({ value: p, label: PRESETS[p].label })),
      },
      {
        type: "select",
        id: postComponentId(postId, "translate"),
        placeholder: "Translate…",
        options: languages.map((l) => ({ value: l, label: languageName(l) })),
      },
    ],
  };
}

/** Under a publish that failed: the reason, and Retry. */
export function retryCard(postId: string): Card {
  return { title: "", sections: [], notes: [], actions: [button(postId, "retry", "Retry", true)] };
}

/** Entries a /scheduled list shows at most: Discord draws each with its own row of buttons. */
const MAX_LISTED = 5;

/** How much of a scheduled post's caption a list shows. */
const CAPTION_START = 80;

/** A caption's start on one line, for lists: its whitespace folded, cut with "…" past `CAPTION_START`. */
export function captionStart(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > CAPTION_START ? `${flat.slice(0, CAPTION_START - 1)}…` : flat;
}

/**
 * `/scheduled`: a server's or workspace's scheduled posts, soonest first, each with its time in
 * the platform's markup, network, caption start, its photo as a thumbnail, and Publish now,
 * Reschedule and Cancel (the flow decides who may).
 */
export function scheduledCard(posts: readonly ScheduledPost[], time: (at: number) => string): Card {
  const shown = posts.slice(0, MAX_LISTED);
  const more = posts.length - shown.length;
  return {
    title: posts.length ? `Scheduled posts (${posts.length}), soonest first` : "Nothing is scheduled.",
    sections: shown.map((p) => {
      return {
        text: `${time(p.at)} · ${label(p.network)} · ${captionStart(p.caption)}`,
        footer: `scheduled by ${p.by.name ?? "a teammate"}`,
        buttons: [
          button(p.postId, "publish-now", "Publish now", true),
          button(p.postId, "reschedule", "Reschedule"),
          button(p.postId, "unschedule", "Cancel"),
        ],
        ...(p.imageKey
          ? { thumbnail: { key: p.imageKey, description: p.imageAlt ?? "The post's photo" } }
          : {}),
      };
    }),
    notes: more > 0 ? [{ text: `…and ${more} more, due later.` }] : [],
    actions: [],
  };
}
