import { CodedError, ErrorCode } from "../../errors.js";
import { isLook, LOOK_NAMES } from "./looks.js";
import type { EditOp } from "./ops.js";

const ASPECTS: Record<string, string> = {
  square: "1:1",
  portrait: "4:5",
  story: "9:16",
  landscape: "16:9",
  wide: "16:9",
};

function bad(part: string): CodedError {
  return new CodedError(
    ErrorCode.BadRequest,
    `I don't know the edit "${part}". Try: look <${LOOK_NAMES.join("|")}>, crop 4:5, resize 1080, enhance, blur, caption "text", watermark "text" — joined with +.`,
  );
}

/** Parses edits written by people: `look autumn + crop 4:5`, `autumn, square`, `enhance + watermark "© me"`. */
export function parseEdits(text: string): EditOp[] {
  const parts = text
    .split(/\s*(?:\+|,|\bthen\b|\band\b)\s*/i)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0)
    throw new CodedError(ErrorCode.BadRequest, "Tell me which edit to make, e.g. `look autumn + crop 4:5`.");
  return parts.map((part): EditOp => {
    const [head = "", ...rest] = part.split(/\s+/);
    const word = head.toLowerCase();
    const arg = rest.join(" ").replace(/^["“']|["”']$/g, "");
    if (word === "look" || word === "grade" || word === "filter") {
      const name = arg.toLowerCase();
      if (!isLook(name)) throw bad(part);
      return { op: "look", name };
    }
    if (isLook(word) && !arg) return { op: "look", name: word };
    if (word === "crop" || word === "aspect") {
      const aspect = ASPECTS[arg.toLowerCase()] ?? arg;
      if (!/^\d+(\.\d+)?:\d+(\.\d+)?$/.test(aspect)) throw bad(part);
      return { op: "crop", aspect, strategy: "attention" };
    }
    if (ASPECTS[word] && !arg) return { op: "crop", aspect: ASPECTS[word] as string, strategy: "attention" };
    if (/^\d+(\.\d+)?:\d+(\.\d+)?$/.test(word)) return { op: "crop", aspect: word, strategy: "attention" };
    if (word === "resize" || word === "width") {
      const width = Number.parseInt(arg, 10);
      if (!Number.isFinite(width) || width < 16 || width > 8192) throw bad(part);
      return { op: "resize", width };
    }
    if (word === "enhance" || word === "auto") return { op: "enhance" };
    if (word === "blur") return { op: "blur", sigma: arg ? Number(arg) : 6 };
    if ((word === "caption" || word === "text") && arg) return { op: "caption", text: arg };
    if (word === "watermark" && arg) return { op: "watermark", text: arg };
    throw bad(part);
  });
}
