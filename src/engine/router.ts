import type { CommandName } from "../core/jobs.js";
import type { SkillName } from "../skills/index.js";

/**
 * Slash commands go straight to one skill; only free-form mentions (`chat`) go through the
 * planner. Maps the request's text and options to that skill's params.
 */
export type Route =
  | { kind: "skill"; skill: SkillName; params: Record<string, unknown> }
  | { kind: "planner" }
  /** A click on a delivered post: the worker runs it against the post's stored state (engine/post-actions.ts). */
  | { kind: "post-action"; action: "refine" | "approve" };

export function route(
  command: CommandName,
  text: string,
  args: Record<string, string | number | boolean>,
): Route {
  switch (command) {
    case "describe":
      return { kind: "skill", skill: "describe", params: {} };
    case "ask":
      return { kind: "skill", skill: "ask", params: { question: text || String(args.question ?? "") } };
    case "ocr":
      return { kind: "skill", skill: "ocr", params: {} };
    case "caption":
      return { kind: "skill", skill: "caption", params: {} };
    case "detect":
    case "segment":
    case "cutout": {
      const caption = (text || String(args.what ?? "")).trim();
      return { kind: "skill", skill: command, params: caption ? { caption } : {} };
    }
    case "edit":
      return { kind: "skill", skill: "edit", params: { ...args, ...(text ? { edits: text } : {}) } };
    case "generate":
      return {
        kind: "skill",
        skill: "generate",
        params: { ...args, prompt: text || String(args.prompt ?? "") },
      };
    case "post":
      return {
        kind: "skill",
        skill: "post",
        params: { ...args, ...(text ? { request: text } : {}) },
      };
    case "chat":
      return { kind: "planner" };
    case "refine":
    case "approve":
      return { kind: "post-action", action: command };
  }
}
