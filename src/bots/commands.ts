import type { CommandName } from "../core/jobs.js";
import { PLATFORM_NAMES, TONES } from "../core/post-state.js";
import { LOOK_NAMES } from "../skills/edit/looks.js";

export interface ParsedMessage {
  command: CommandName;
  args: Record<string, string | number | boolean>;
  text: string;
}

/**
 * Reads a typed message the way the slash commands work: `/describe`, `/ask <question>`,
 * `/ocr`, `/edit look autumn + crop 4:5`, `/post instagram playful 3`, `/generate <prompt>`,
 * `/detect <what>`, `/segment <what>`, `/cutout [what]`.
 * Anything else is a free-form message for the planner.
 */
export function parseMessage(input: string): ParsedMessage {
  const text = input.trim();
  const m = /^\/(\w+)\s*([\s\S]*)$/.exec(text);
  if (!m) return { command: "chat", args: {}, text };
  const name = (m[1] ?? "").toLowerCase();
  const rest = (m[2] ?? "").trim();
  switch (name) {
    case "describe":
    case "ocr":
    case "caption":
      return { command: name, args: {}, text: rest };
    case "ask":
      return { command: "ask", args: {}, text: rest };
    case "edit":
    case "detect":
    case "segment":
    case "cutout":
      return { command: name, args: {}, text: rest };
    case "find":
      return { command: "detect", args: {}, text: rest };
    case "generate":
    case "imagine":
      return { command: "generate", args: {}, text: rest };
    case "post": {
      const args: Record<string, string | number> = {};
      const words = rest.split(/\s+/).filter(Boolean);
      const leftover: string[] = [];
      for (const w of words) {
        const lw = w.toLowerCase();
        if (!args.platform && (PLATFORM_NAMES as string[]).includes(lw)) args.platform = lw;
        else if (!args.tone && (TONES as readonly string[]).includes(lw)) args.tone = lw;
        else if (!args.look && (LOOK_NAMES as string[]).includes(lw)) args.look = lw;
        else if (!args.variants && /^[1-5]$/.test(lw)) args.variants = Number(lw);
        else leftover.push(w);
      }
      return { command: "post", args, text: leftover.join(" ") };
    }
    default:
      return { command: "chat", args: {}, text };
  }
}
