import { z } from "zod";
import { conversationSection } from "./sections/conversation.js";
import { discordSection } from "./sections/discord.js";
import { engineSection } from "./sections/engine.js";
import { imagegenSection } from "./sections/imagegen.js";
import { limitsSection } from "./sections/limits.js";
import { modelSection } from "./sections/model.js";
import { opsSection } from "./sections/ops.js";
import { postSection } from "./sections/post.js";
import { publishSection } from "./sections/publish.js";
import { redisSection } from "./sections/redis.js";
import { slackSection } from "./sections/slack.js";
import { toolsSection } from "./sections/tools.js";
import { webSection } from "./sections/web.js";

/** engine.concurrency when it is "auto": enough to keep a batching server's batch full, or one. */
const AUTO_CONCURRENCY = { openai: 16, transformers: 1 } as const;

/**
 * Every key with its default, as written (engine.concurrency stays "auto"): the one source of
 * defaults, which config/default.yaml and the README's reference repeat and a test holds them to.
 */
export const configKeys = z.strictObject({
  redis: redisSection,
  model: modelSection,
  engine: engineSection,
  limits: limitsSection,
  conversation: conversationSection,
  imagegen: imagegenSection,
  tools: toolsSection,
  discord: discordSection,
  slack: slackSection,
  web: webSection,
  ops: opsSection,
  post: postSection,
  publish: publishSection,
});

/** The whole non-secret configuration: config/default.yaml, an optional user file, then environment overrides. */
export const configSchema = configKeys.transform((c) => ({
  ...c,
  engine: {
    ...c.engine,
    concurrency: c.engine.concurrency === "auto" ? AUTO_CONCURRENCY[c.model.backend] : c.engine.concurrency,
  },
}));

export type Config = z.infer<typeof configSchema>;
