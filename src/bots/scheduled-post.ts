import type { Person, PostStore } from "../queue/posts.js";
import type { ScheduledJob } from "../queue/schedule.js";

/** A scheduled post as lists show it. */
export interface ScheduledPost extends ScheduledJob {
  postId: string;
  variant: number;
  /** The network it goes to (the post's platform). */
  network: string;
  caption: string;
  /** Blob key of the post's image, for a thumbnail. */
  imageKey?: string;
  /** What the image shows (its alt text, else its file name), said with the thumbnail. */
  imageAlt?: string;
  by: Person;
}

/** A waiting job as lists show it: its post's network, caption and photo, read from the post. */
export async function describeScheduled(posts: PostStore, job: ScheduledJob): Promise<ScheduledPost> {
  const postId = String(job.request.args.post ?? "");
  const variant = Number(job.request.args.variant ?? 0);
  const post = await posts.get(postId);
  return {
    ...job,
    postId,
    variant,
    network: post?.record.bundle.platform ?? "?",
    caption: post?.record.bundle.variants[variant]?.text ?? "",
    ...(post?.record.image
      ? {
          imageKey: post.record.image.key,
          imageAlt: post.record.image.altText || post.record.image.filename,
        }
      : {}),
    by: job.request.user,
  };
}
