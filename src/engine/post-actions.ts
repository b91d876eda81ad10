import type { Redis } from "ioredis";
import { z } from "zod";
import type { Config } from "../config/schema.js";
import type { Secrets } from "../config/secrets.js";
import type { DeliveryBody, PostBundle, Progress, RequestJob, ResultImage } from "../core/jobs.js";
import type { ModelPort } from "../core/model-port.js";
import { PLATFORM_NAMES, type PlatformName, TONES } from "../core/post-state.js";
import { CodedError, ErrorCode } from "../errors.js";
import { networkLimitsFor } from "../publish/index.js";
import type { BlobStore } from "../queue/blobs.js";
import { createPostStore, POST_EXPIRED, type PostStore, type StoredPost } from "../queue/posts.js";
import { presetFor } from "../skills/post/presets.js";
import {
  nextSettings,
  postStateFrom,
  prepareRefinedImage,
  type RefineAction,
  refinePost,
  textModel,
} from "../skills/post/refine.js";
import { postText } from "../skills/post/summary.js";
import { subjectFinder } from "../skills/vision/matte.js";
import { publishApproval } from "./post-publish.js";

/**
 * The engine side of a post's buttons. A delivered post is remembered (state in Redis, as long as
 * its photo's blob); a `refine` job rewrites its captions from the stored description with
 * text-only model calls (no second look at the photo) and answers with the whole post, which the
 * adapter edits in place; an `approve` job turns the frozen variant into the final message, or
 * publishes it where an account for the post's platform is configured.
 */

export interface PostActionsOptions {
  redis: Redis;
  prefix: string;
  config: Config;
  secrets: Secrets;
  blobs: BlobStore;
  model: ModelPort;
}

type Report = (stage: Progress["stage"], detail?: string) => void;

const refineArgs = z.discriminatedUnion("action", [
  z.object({ action: z.literal("regenerate") }),
  z.object({ action: z.literal("shorter") }),
  z.object({ action: z.literal("tone"), value: z.enum(TONES) }),
  z.object({
    action: z.literal("platform"),
    value: z.enum(PLATFORM_NAMES as [PlatformName, ...PlatformName[]]),
  }),
  z.object({ action: z.literal("translate"), value: z.string().regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/) }),
]);

function refineAction(args: RequestJob["args"]): RefineAction {
  const parsed = refineArgs.safeParse(args);
  if (!parsed.success)
    throw new CodedError(ErrorCode.BadRequest, "That change is not one I can make to a post.");
  const a = parsed.data;
  if (a.action === "tone") return { kind: "tone", tone: a.value };
  if (a.action === "platform") return { kind: "platform", platform: a.value };
  if (a.action === "translate") return { kind: "translate", lang: a.value };
  return { kind: a.action };
}

const CHANGED_MEANWHILE = "Someone else changed this post; here is the latest.";

const LABEL: Record<RefineAction["kind"], string> = {
  regenerate: "writing new captions",
  shorter: "making the captions shorter",
  tone: "rewriting in another tone",
  platform: "rewriting for another platform",
  translate: "translating",
};

export function createPostActions(o: PostActionsOptions) {
  const posts: PostStore = createPostStore(o.redis, o.prefix);
  const networkLimits = networkLimitsFor(o.config);

  async function load(request: RequestJob): Promise<StoredPost> {
    const found = await posts.get(String(request.args.post ?? ""));
    if (!found) throw new CodedError(ErrorCode.BlobExpired, POST_EXPIRED);
    return found;
  }

  /** The post as it is now, for a clicker whose change came from an older version of it. */
  function latest(found: StoredPost): DeliveryBody {
    return {
      status: "ok",
      text: postText(found.record.bundle),
      images: [],
      post: found.record.bundle,
      notice: CHANGED_MEANWHILE,
    };
  }

  async function refine(
    found: StoredPost,
    request: RequestJob,
    signal: AbortSignal,
    report: Report,
  ): Promise<DeliveryBody> {
    const { record } = found;
    if (found.approval)
      throw new CodedError(ErrorCode.BadRequest, "This post is approved; run /post again for a new one.");
    const action = refineAction(request.args);
    // A click on a card someone else has changed since is not applied over their change.
    const clicked = request.args.version === undefined ? record.version : Number(request.args.version);
    if (clicked !== record.version) return latest(found);
    report("running", `post: ${LABEL[action.kind]}`);
    const platform = nextSettings(record.state, action).platform;
    const preset = presetFor(platform, {
      instagramHashtags: o.config.post.instagramHashtags,
      limits: await networkLimits(platform),
    });
    const refined = await refinePost(record.state, action, {
      ask: textModel(o.model),
      maxExtraCalls: o.config.post.maxExtraCalls,
      temperature: o.config.post.sampleTemperature,
      preset,
      signal,
    });
    const bundle = refined.bundle;
    let image = record.image;
    let imageChanged = false;
    // In chat the image is described even where the network takes no alt text (a story).
    const chatAlt = bundle.altText || refined.state.altText;
    if (refined.reprepareImage) {
      report("uploading");
      const prepared = await prepareRefinedImage(
        await o.blobs.get(refined.state.imageKey),
        refined.state,
        preset,
        subjectFinder(o.config),
      );
      const filename = bundle.image ?? `post-${bundle.platform}.jpg`;
      const ref = await o.blobs.put(prepared.bytes, {
        mime: "image/jpeg",
        width: prepared.width,
        height: prepared.height,
        name: filename,
      });
      image = { ...ref, altText: chatAlt, filename };
      imageChanged = true;
    } else if (image && image.altText !== chatAlt) {
      image = { ...image, altText: chatAlt };
      imageChanged = true;
    }
    const next = {
      ...record,
      state: refined.state,
      bundle,
      ...(image ? { image } : {}),
      version: record.version + 1,
    };
    // Another engine may have refined it meanwhile: the first to land wins, the other is told.
    if (!(await posts.replace(next, record.version))) return latest(await load(request));
    // The image travels only when it changed; otherwise the message keeps the one it has.
    return {
      status: "ok",
      text: postText(bundle),
      images: imageChanged && image ? [image] : [],
      post: bundle,
    };
  }

  async function approve(found: StoredPost, request: RequestJob, signal: AbortSignal): Promise<DeliveryBody> {
    const { record, approval } = found;
    const variant = approval ? record.bundle.variants[approval.variant] : undefined;
    if (!approval || !variant)
      throw new CodedError(ErrorCode.BadRequest, "That caption is not part of this post any more.");
    const by = approval.by.name ?? "a teammate";
    const body = (headline: string): DeliveryBody => ({
      status: "ok",
      text: [
        headline,
        variant.text,
        ...(record.bundle.altText ? [`Alt text: ${record.bundle.altText}`] : []),
      ].join("\n\n"),
      images: record.image ? [record.image] : [],
    });
    // A scheduled post tries a passing failure again itself (nobody is at the button then).
    const retries = request.args.scheduled === "1" ? o.config.engine.attempts + 1 : 0;
    const outcome = await publishApproval({ ...o, record, approval, variant, signal, retries });
    if (outcome.kind === "failed") {
      await posts.setApproval(record.postId, { ...approval, status: "failed", message: outcome.message });
      return {
        status: "error",
        error: { code: outcome.code, message: `${outcome.message} Press Retry to try again.` },
      };
    }
    if (outcome.kind === "published") {
      await posts.setApproval(record.postId, { ...approval, status: "published", url: outcome.url });
      return body(
        `✅ Published to ${outcome.label} (approved by ${by}): ${outcome.url}${outcome.duplicate ? " (already published; not posted again)" : ""}`,
      );
    }
    await posts.setApproval(record.postId, { ...approval, status: "ready" });
    return body(`✅ Ready to post (approved by ${by})${outcome.note ? `. ${outcome.note}` : ""}`);
  }

  return {
    handles: (command: RequestJob["command"]) => command === "refine" || command === "approve",

    /** Keeps a delivered post so its buttons work: the photo's blob key, the description, the captions. */
    async remember(request: RequestJob, bundle: PostBundle, images: ResultImage[]): Promise<void> {
      const photo = request.images[0];
      if (!photo || request.platform === "cli") return;
      const look = typeof request.args.look === "string" ? request.args.look : undefined;
      const watermark = typeof request.args.watermark === "string" ? request.args.watermark : undefined;
      const image = images.find((i) => i.filename === bundle.image) ?? images[0];
      await posts.save(
        {
          postId: request.requestId,
          platform: request.platform,
          requester: request.user,
          scope: request.scope,
          state: postStateFrom(bundle, photo.key, {
            ...(look ? { look } : {}),
            ...(watermark ? { watermark } : {}),
          }),
          bundle,
          ...(image ? { image } : {}),
          version: 0,
        },
        request.reply,
      );
    },

    async run(request: RequestJob, signal: AbortSignal, report: Report): Promise<DeliveryBody> {
      const found = await load(request);
      return request.command === "refine"
        ? refine(found, request, signal, report)
        : approve(found, request, signal);
    },
  };
}
