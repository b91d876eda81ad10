import { z } from "zod";

/**
 * The contract between adapters and engines: one map from queue name to the payload written
 * and the result returned. Job data holds ids, text and blob keys; never image bytes, never secrets.
 */

export const PLATFORMS = ["discord", "slack", "web", "cli"] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * `chat` is a free-form mention (planner); `caption` is an auto-caption of an upload. `refine` and
 * `approve` are clicks on a delivered post (args.post names it; its state is in Redis, see posts.ts):
 * refine rewrites its captions from the stored description, approve freezes one and publishes it.
 */
const COMMANDS = [
  "describe",
  "ask",
  "ocr",
  "edit",
  "detect",
  "segment",
  "cutout",
  "generate",
  "post",
  "chat",
  "caption",
  "refine",
  "approve",
] as const;
export type CommandName = (typeof COMMANDS)[number];

const PROGRESS_STAGES = ["queued", "loading model", "thinking", "writing", "running", "uploading"] as const;

const blobRefSchema = z.object({
  key: z.string().min(1).max(200),
  mime: z.enum(["image/png", "image/jpeg", "image/webp", "image/gif"]),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().nonnegative(),
  /** The name the user uploaded it under, for "I used photo.jpg". */
  name: z.string().max(200).optional(),
});
export type BlobRef = z.infer<typeof blobRefSchema>;

/** One earlier turn of a conversation, and how many of the request's images appeared in it. */
const historyTurnSchema = z.object({
  role: z.enum(["user", "assistant"]),
  content: z.string().max(8000),
  imageCount: z.number().int().min(0).max(10).default(0),
});
export type HistoryTurn = z.input<typeof historyTurnSchema>;

const argValue = z.union([z.string().max(2000), z.number(), z.boolean()]);

/** The most a request's text may hold (the model's context is the real bound; this keeps jobs small). */
export const MAX_TEXT_CHARS = 8000;

export const requestJobSchema = z.object({
  /** `${platform}:${event id}`; also the BullMQ job id, so a repeated event makes no second job. */
  requestId: z.string().min(3).max(200),
  platform: z.enum(PLATFORMS),
  /** Interactive commands run before background work such as auto-captions. */
  priority: z.enum(["interactive", "background"]),
  command: z.enum(COMMANDS),
  /** Command options (platform, tone, look, aspect...); each skill validates its own. */
  args: z.record(z.string(), argValue).default({}),
  /** The user's words: the question, the free-form message, the generate prompt. */
  text: z.string().max(MAX_TEXT_CHARS).default(""),
  /**
   * The conversation's images: those of the earlier turns first (in turn order, as their
   * `imageCount`s say), then this turn's own.
   */
  images: z.array(blobRefSchema).max(10).default([]),
  /** Earlier turns of a reply chain, oldest first, bounded by the adapter. */
  history: z.array(historyTurnSchema).max(20).default([]),
  user: z.object({ id: z.string().min(1), name: z.string().max(100).optional() }),
  /** Guild / workspace / "local", for rate limits, plus where the request came from. */
  scope: z.object({
    id: z.string().min(1),
    channelId: z.string().min(1),
    threadId: z.string().optional(),
    messageId: z.string().optional(),
  }),
  /** Adapter-only routing data (interaction id, placeholder message ts...). Opaque to the engine; never tokens. */
  reply: z.record(z.string(), z.string()).default({}),
  locale: z.string().max(20).optional(),
  createdAt: z.number().int(),
});
export type RequestJob = z.infer<typeof requestJobSchema>;
export type RequestInput = z.input<typeof requestJobSchema>;

export const resultImageSchema = blobRefSchema.extend({
  altText: z.string().max(2000),
  filename: z.string().min(1).max(200),
});
export type ResultImage = z.infer<typeof resultImageSchema>;

export const postBundleSchema = z.object({
  platform: z.string(),
  variants: z.array(
    z.object({
      text: z.string(),
      hashtags: z.array(z.string()),
      /** Length as the platform counts it. */
      chars: z.number().int(),
    }),
  ),
  altText: z.string(),
  limit: z.number().int(),
  /** File name of the prepared image in `images`, when there is one. */
  image: z.string().optional(),
  /** Captions asked for; more than `variants.length` when the model wrote fewer. */
  requested: z.number().int().optional(),
  /** Why there are fewer variants than requested. */
  shortfall: z.string().optional(),
  /** What the captions were written from, so refinements need no second look at the image. */
  tone: z.string().optional(),
  lang: z.string().optional(),
  description: z.string().optional(),
  /** Text read from the photo, when any. */
  ocr: z.string().optional(),
});
export type PostBundle = z.infer<typeof postBundleSchema>;

export const deliveryJobSchema = z.object({
  requestId: z.string(),
  platform: z.enum(PLATFORMS),
  command: z.enum(COMMANDS),
  user: requestJobSchema.shape.user,
  scope: requestJobSchema.shape.scope,
  reply: z.record(z.string(), z.string()),
  status: z.enum(["ok", "error"]),
  /** Untrusted model text; adapters neutralise mentions and split it to their limits. */
  text: z.string().default(""),
  images: z.array(resultImageSchema).default([]),
  post: postBundleSchema.optional(),
  error: z
    .object({
      code: z.string(),
      /** Friendly sentence for the user (already includes an error id for internal errors). */
      message: z.string(),
      errorId: z.string().optional(),
    })
    .optional(),
  /** Planner thoughts/actions, only when engine.debug is on. */
  debug: z.string().optional(),
  /** A sentence for the person the delivery answers only (why their change was not made). */
  notice: z.string().max(500).optional(),
  finishedAt: z.number().int(),
});
export type DeliveryJob = z.infer<typeof deliveryJobSchema>;
export type DeliveryInput = z.input<typeof deliveryJobSchema>;

/** What a delivery says, apart from what it copies from its request. */
export type DeliveryBody = Omit<
  DeliveryInput,
  "requestId" | "platform" | "command" | "user" | "scope" | "reply" | "finishedAt"
>;

/** The delivery answering `request`: the addressing comes from the request, the rest from `body`. */
export function deliveryFor(request: RequestJob, body: DeliveryBody): DeliveryInput {
  return {
    requestId: request.requestId,
    platform: request.platform,
    command: request.command,
    user: request.user,
    scope: request.scope,
    reply: request.reply,
    finishedAt: Date.now(),
    ...body,
  };
}

/** How long finished jobs stay for inspection (config: limits.keepCompleted and keepFailed). */
export interface JobRetention {
  completed: { ageS: number; count: number };
  failed: { ageS: number; count: number };
}

/**
 * Retries and retention of every delivery job, whoever enqueues it (an engine, or a stop). Kept
 * as long as requests are: a request can only run again while its own job is there, so the
 * delivery that makes a second answer impossible never has to outlive it.
 */
export function deliveryJobOptions(keep: JobRetention) {
  return {
    attempts: 8,
    backoff: { type: "exponential", delay: 2000 },
    removeOnComplete: { age: keep.completed.ageS, count: keep.completed.count },
    removeOnFail: { age: keep.failed.ageS, count: keep.failed.count },
  } as const;
}

export const progressSchema = z.object({
  stage: z.enum(PROGRESS_STAGES),
  /** e.g. the skill name for `running`. */
  detail: z.string().optional(),
  /** `writing`: the answer so far (display only; the final answer comes as a delivery). */
  text: z.string().max(20_000).optional(),
  at: z.number().int(),
});
export type Progress = z.infer<typeof progressSchema>;

const deliveryReceiptSchema = z.object({
  postedAt: z.number().int(),
  /** Platform message ids of what was posted. */
  messageIds: z.array(z.string()),
  /** True when this delivery had already been posted (a retry) and nothing was sent again. */
  duplicate: z.boolean().default(false),
});
export type DeliveryReceipt = z.infer<typeof deliveryReceiptSchema>;

export type DeliveryQueueName = `deliveries:${Platform}`;

export function deliveryQueueName(platform: Platform): DeliveryQueueName {
  return `deliveries:${platform}`;
}
