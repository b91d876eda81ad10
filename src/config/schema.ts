import { z } from "zod";
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
import { webSection } from "./sections/web.js";

/** The whole non-secret configuration: config/default.yaml, an optional user file, then environment overrides. */
export const configSchema = z.strictObject({
  redis: redisSection,
  model: modelSection,
  engine: engineSection,
  limits: limitsSection,
  imagegen: imagegenSection,
  discord: discordSection,
  slack: slackSection,
  web: webSection,
  ops: opsSection,
  post: postSection,
  publish: publishSection,
});

export type Config = z.infer<typeof configSchema>;
