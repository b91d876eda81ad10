/**
 * Parses one model turn of the LLaVA-Plus tool loop. Two forms are understood:
 *   LLaVA-Plus:  "thoughts🤔" ... "actions🚀" [{"API_name": "ocr", "API_params": {}}] "value👉" ...
 *   plain JSON:  {"tool": "ocr", "params": {...}}  or  {"answer": "..."}
 * Anything else is a plain answer. Parsing never throws.
 */
interface ToolCall {
  name: string;
  params: Record<string, unknown>;
}

export interface ParsedTurn {
  thoughts?: string;
  action?: ToolCall;
  /** The text meant for the user, if the turn has one. */
  value?: string;
  format: "llava-plus" | "json" | "plain";
}

const THOUGHTS = /"?thoughts\s*🤔"?/i;
const ACTIONS = /"?actions\s*🚀"?/i;
const VALUE = /"?value\s*👉"?/i;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** JSON.parse that also accepts the single-quoted, Python-style dicts some models write. */
function lenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    try {
      return JSON.parse(
        text
          .replace(/'/g, '"')
          .replace(/\bNone\b/g, "null")
          .replace(/\bTrue\b/g, "true")
          .replace(/\bFalse\b/g, "false"),
      );
    } catch {
      return undefined;
    }
  }
}

/** The first balanced [...] or {...} starting at or after `from`. */
function balanced(text: string, from: number): string | undefined {
  const start = text.slice(from).search(/[[{]/);
  if (start < 0) return undefined;
  const open = text[from + start];
  const close = open === "[" ? "]" : "}";
  let depth = 0;
  let inString: string | undefined;
  for (let i = from + start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === inString) inString = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") inString = ch;
    else if (ch === open) depth++;
    else if (ch === close) {
      depth--;
      if (depth === 0) return text.slice(from + start, i + 1);
    }
  }
  return undefined;
}

function toolFrom(entry: unknown): ToolCall | undefined {
  if (!isRecord(entry)) return undefined;
  const name = entry.API_name ?? entry.tool ?? entry.name;
  const params = entry.API_params ?? entry.params ?? entry.arguments ?? {};
  if (typeof name !== "string" || !name.trim()) return undefined;
  return { name: name.trim(), params: isRecord(params) ? params : {} };
}

function section(text: string, marker: RegExp, next: RegExp[]): string | undefined {
  const m = marker.exec(text);
  if (!m) return undefined;
  let rest = text.slice(m.index + m[0].length);
  for (const n of next) {
    const k = n.exec(rest);
    if (k) rest = rest.slice(0, k.index);
  }
  return rest.trim();
}

export function parseTurn(raw: string): ParsedTurn {
  const text = raw.trim();
  if (ACTIONS.test(text) || VALUE.test(text) || THOUGHTS.test(text)) {
    const thoughts = section(text, THOUGHTS, [ACTIONS, VALUE]);
    const actionsText = section(text, ACTIONS, [VALUE]);
    const value = section(text, VALUE, []);
    let action: ToolCall | undefined;
    if (actionsText) {
      const json = balanced(actionsText, 0);
      const parsed = json ? lenientJson(json) : undefined;
      action = toolFrom(Array.isArray(parsed) ? parsed[0] : parsed);
    }
    return {
      format: "llava-plus",
      ...(thoughts ? { thoughts } : {}),
      ...(action ? { action } : {}),
      ...(value ? { value } : {}),
    };
  }
  const json = text.startsWith("{") || text.startsWith("```") ? balanced(text, 0) : undefined;
  if (json) {
    const parsed = lenientJson(json);
    if (isRecord(parsed)) {
      const action = toolFrom(parsed);
      const answer = typeof parsed.answer === "string" ? parsed.answer : undefined;
      if (action || answer)
        return { format: "json", ...(action ? { action } : {}), ...(answer ? { value: answer } : {}) };
    }
  }
  return { format: "plain", value: text };
}
