/**
 * Outward publishing of an approved post: one small port, one adapter per service. Only this
 * folder knows a publishing client's types; callers see PublishPost in and Published out.
 */

export const PUBLISH_TARGETS = ["mastodon", "bluesky", "pixelfed", "linkedin"] as const;
export type PublishTarget = (typeof PUBLISH_TARGETS)[number];

export const TARGET_LABEL: Record<PublishTarget, string> = {
  mastodon: "Mastodon",
  bluesky: "Bluesky",
  pixelfed: "Pixelfed",
  linkedin: "LinkedIn",
};

/** The account a post written for this platform goes to (a square LinkedIn post is a LinkedIn post). */
export function targetForPlatform(platform: string): PublishTarget | undefined {
  if (platform === "linkedin-square") return "linkedin";
  return (PUBLISH_TARGETS as readonly string[]).includes(platform) ? (platform as PublishTarget) : undefined;
}

export interface PublishImage {
  bytes: Buffer;
  mime: "image/jpeg" | "image/png" | "image/webp";
  width: number;
  height: number;
  altText: string;
}

/** What was approved, as it will appear. */
export interface PublishPost {
  /** The caption with its hashtags. */
  text: string;
  image?: PublishImage;
  /** BCP 47 language of the text, when known. */
  lang?: string;
}

/** One approval: its id makes publishing idempotent, its time makes a retried post identical. */
export interface Approval {
  /** Stable across retries, e.g. `${requestId}:approve:${variant}`. */
  id: string;
  /** When it was approved (ms since the epoch). */
  at: number;
  /** Who approved it, for the record. */
  by?: string;
}

/**
 * Progress a publisher saves between its steps, so a retry after a crash resumes instead of
 * starting over (an uploaded image's id, the record key...). Plain strings only.
 */
export type Checkpoint = Record<string, string>;

interface PublishStep {
  approval: Approval;
  /** What an earlier, interrupted attempt got done. */
  checkpoint: Checkpoint;
  /** Stores progress before the next step. */
  save(update: Checkpoint): Promise<void>;
  signal?: AbortSignal;
}

export interface Published {
  target: PublishTarget;
  /** The service's id of the post (a status id, an at:// URI). */
  id: string;
  /** Where people see it. */
  url: string;
  publishedAt: number;
  /** True when this approval had already been published and nothing was posted again. */
  duplicate: boolean;
}

export interface Publisher {
  readonly target: PublishTarget;
  /**
   * Publishes once. Must be safe to call again with the same approval after a crash at any
   * point: it resumes from the checkpoint and never leaves two posts.
   */
  publish(
    post: PublishPost,
    step: PublishStep,
  ): Promise<Omit<Published, "duplicate" | "publishedAt"> & { duplicate?: boolean }>;
}
