import type { Redis } from "ioredis";
import { z } from "zod";
import { PLATFORMS, postBundleSchema, requestJobSchema, resultImageSchema } from "../core/jobs.js";
import type { PostState } from "../core/post-state.js";
import { blobRedisKey } from "./blobs.js";

/**
 * A delivered post's state, so a click can refine or approve it: component ids carry only the
 * post's request id and the action, everything else is here. One Redis hash per post, written by
 * three parties (the engine: the post; the adapter: where its message is; a click: the approval),
 * each in its own field, and gone when the original photo's blob is.
 */

export const POST_EXPIRED = "This post has expired; run /post again.";

const personSchema = z.object({ id: z.string().min(1), name: z.string().max(100).optional() });
export type Person = z.infer<typeof personSchema>;

const postRecordSchema = z.object({
  postId: z.string().min(1),
  platform: z.enum(PLATFORMS),
  requester: personSchema,
  scope: requestJobSchema.shape.scope,
  /** What refine.ts works from; written and read only by the engine. */
  state: z.custom<PostState>((v) => typeof v === "object" && v !== null && "captions" in v),
  bundle: postBundleSchema,
  /** The prepared image, as the post shows it now. */
  image: resultImageSchema.optional(),
  /** Bumped by every refinement. */
  version: z.number().int().nonnegative(),
});
export type PostRecord = z.infer<typeof postRecordSchema>;

const approvalSchema = z.object({
  /** 0-based index into the bundle's variants. */
  variant: z.number().int().nonnegative(),
  by: personSchema,
  /** Whether `by` was an approver when they clicked: only then may the approval publish. */
  approver: z.boolean().optional(),
  at: z.number().int(),
  /**
   * scheduled: waiting for its time (a delayed job, see schedule.ts); pending: queued or publishing;
   * ready: final message posted; published; failed: Retry may resume it.
   */
  status: z.enum(["scheduled", "pending", "ready", "published", "failed"]),
  /** When a scheduled approval is due (ms since the epoch). */
  scheduledFor: z.number().int().optional(),
  message: z.string().max(1000).optional(),
  url: z.string().max(500).optional(),
});
export type Approval = z.infer<typeof approvalSchema>;

/** The id an approval publishes under (and a scheduled post's job id): one per post and caption. */
export function approvalIdFor(postId: string, variant: number): string {
  return `${postId}:approve:${variant}`;
}

/** Where the post's message is: the request's reply routing, plus the ids its adapter added. */
type PostLocation = Record<string, string>;

export interface StoredPost {
  record: PostRecord;
  location: PostLocation;
  approval?: Approval;
}

export interface PostStore {
  /** Writes the post; it lives as long as the original photo's blob (at least a minute). */
  save(record: PostRecord, reply: PostLocation): Promise<void>;
  get(postId: string): Promise<StoredPost | undefined>;
  /**
   * Writes a refined post only if it is still at `version` (what the refinement was computed
   * from); false when someone else's refinement landed first, or the post expired.
   */
  replace(record: PostRecord, version: number): Promise<boolean>;
  /** Adds the message ids an adapter posted it under; nothing when the post has expired. */
  locate(postId: string, ids: PostLocation): Promise<void>;
  /**
   * Freezes a variant: the approval is written only when there is none yet. Returns the approval
   * that holds afterwards, or undefined when the post has expired.
   */
  approve(postId: string, approval: Approval): Promise<Approval | undefined>;
  /** Updates the approval that holds (status, message, link). */
  setApproval(postId: string, approval: Approval): Promise<void>;
  /** Drops the approval (a cancelled scheduled post), so the post can be approved again. */
  clearApproval(postId: string): Promise<void>;
  /** Keeps the post and its images at least until `until` (ms since the epoch): a post scheduled past the blob TTL. */
  keepUntil(postId: string, until: number): Promise<void>;
}

/** Sets a field only while the hash exists, so a late write cannot bring back an expired post without a TTL. */
const SET_IF_EXISTS = `
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
redis.call("HSET", KEYS[1], ARGV[1], ARGV[2])
return 1
`;
/** Compare-and-set on the record's version: 1 written, 0 changed meanwhile or gone. */
const REPLACE = `
local current = redis.call("HGET", KEYS[1], "record")
if not current then return 0 end
if cjson.decode(current).version ~= tonumber(ARGV[2]) then return 0 end
redis.call("HSET", KEYS[1], "record", ARGV[1])
return 1
`;
/** "" when the post is gone, the approval that holds otherwise (written now if there was none). */
const APPROVE = `
if redis.call("EXISTS", KEYS[1]) == 0 then return "" end
local current = redis.call("HGET", KEYS[1], "approval")
if current then return current end
redis.call("HSET", KEYS[1], "approval", ARGV[1])
return ARGV[1]
`;

/** Lengthens each key's TTL to ARGV[1] ms, never shortens one, never adds one to a key without. */
const KEEP_LONGER = `
for _, k in ipairs(KEYS) do
  local ttl = redis.call("PTTL", k)
  if ttl >= 0 and ttl < tonumber(ARGV[1]) then redis.call("PEXPIRE", k, ARGV[1]) end
end
return 1
`;

function parse<T>(schema: z.ZodType<T>, text: string | undefined | null): T | undefined {
  if (!text) return undefined;
  try {
    const out = schema.safeParse(JSON.parse(text));
    return out.success ? out.data : undefined;
  } catch {
    return undefined;
  }
}

export function createPostStore(redis: Redis, prefix: string): PostStore {
  const key = (postId: string) => `${prefix}:post:${postId}`;
  const setIfExists = (postId: string, field: string, value: unknown) =>
    redis.eval(SET_IF_EXISTS, 1, key(postId), field, JSON.stringify(value));
  return {
    async save(record, reply) {
      const ttl = await redis.pttl(blobRedisKey(prefix, record.state.imageKey));
      await redis
        .multi()
        .hset(key(record.postId), "record", JSON.stringify(record))
        .hsetnx(key(record.postId), "reply", JSON.stringify(reply))
        .pexpire(key(record.postId), Math.max(60_000, ttl))
        .exec();
    },
    async replace(record, version) {
      return (await redis.eval(REPLACE, 1, key(record.postId), JSON.stringify(record), version)) === 1;
    },
    async get(postId) {
      const fields = await redis.hgetall(key(postId));
      const record = parse(postRecordSchema, fields.record);
      if (!record) return undefined;
      const strings = z.record(z.string(), z.string());
      const approval = parse(approvalSchema, fields.approval);
      return {
        record,
        location: { ...parse(strings, fields.reply), ...parse(strings, fields.location) },
        ...(approval ? { approval } : {}),
      };
    },
    async locate(postId, ids) {
      await setIfExists(postId, "location", ids);
    },
    async approve(postId, approval) {
      const held = (await redis.eval(APPROVE, 1, key(postId), JSON.stringify(approval))) as string;
      return held ? parse(approvalSchema, held) : undefined;
    },
    async setApproval(postId, approval) {
      await setIfExists(postId, "approval", approval);
    },
    async clearApproval(postId) {
      await redis.hdel(key(postId), "approval");
    },
    async keepUntil(postId, until) {
      const record = parse(postRecordSchema, await redis.hget(key(postId), "record"));
      if (!record) return;
      const blobs = new Set([record.state.imageKey, ...(record.image ? [record.image.key] : [])]);
      const keys = [key(postId), ...[...blobs].map((b) => blobRedisKey(prefix, b))];
      await redis.eval(KEEP_LONGER, keys.length, ...keys, Math.max(1, until - Date.now()));
    },
  };
}
