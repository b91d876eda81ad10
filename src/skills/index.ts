import { ask } from "./ask.js";
import { caption } from "./caption.js";
import { describe } from "./describe.js";
import { edit } from "./edit/index.js";
import { generate } from "./generate/index.js";
import { ocr } from "./ocr/index.js";
import { post } from "./post/index.js";
import type { Skill } from "./skill.js";
import { cutout } from "./vision/cutout.js";
import { detect } from "./vision/detect.js";
import { segment } from "./vision/segment.js";

/** The skill repository: a frozen map, so skill names are a typed union. */
export const skills = Object.freeze({
  describe,
  ask,
  caption,
  ocr,
  edit,
  generate,
  post,
  detect,
  segment,
  cutout,
});

export type SkillName = keyof typeof skills;

export function getSkill(name: SkillName): Skill {
  return skills[name] as unknown as Skill;
}
