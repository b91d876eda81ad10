import type { z } from "zod";
import type { Config } from "../config/schema.js";
import type { ModelImage, ModelPort } from "../core/model-port.js";
import type { NetworkLimits, PlatformName } from "../core/post-state.js";

/** An image a skill produced: bytes here, the worker stores them as a blob. */
export interface SkillImage {
  bytes: Buffer;
  mime: "image/png" | "image/jpeg" | "image/webp";
  width: number;
  height: number;
  filename: string;
  altText: string;
}

export interface SkillContext {
  /** The request's images, validated and normalised. */
  images: ModelImage[];
  /** The user's words (question, message, prompt). */
  text: string;
  model: ModelPort;
  config: Config;
  signal: AbortSignal;
  locale?: string;
  /** Reports a progress detail (e.g. "reading text"). */
  progress?: (detail: string) => void;
  /** What a network publishes about its own limits (a configured Mastodon instance's), when known. */
  networkLimits?: (platform: PlatformName) => Promise<NetworkLimits | undefined>;
}

export interface SkillResult {
  /** Text for the user (untrusted when it comes from the model). */
  text?: string;
  /** Images only ever come from skills that really produced them. */
  images?: SkillImage[];
  /** Compact text-only summary for the planner's next turn: no base64, no masks, rounded numbers. */
  summary: string;
  /** Structured extra output (e.g. a post bundle). */
  data?: unknown;
}

export interface Skill<P extends z.ZodType = z.ZodType> {
  readonly name: string;
  /** One line the planner shows the model. */
  readonly description: string;
  readonly params: P;
  /** False for skills that never call the model: they run while it loads or after it failed. */
  readonly usesModel?: boolean;
  /** Whether this deployment can run it (e.g. an image-generation backend is configured). */
  available?(config: Config): boolean;
  run(ctx: SkillContext, params: z.infer<P>): Promise<SkillResult>;
}
