import type { ChatMessage, ModelImage, ModelPort } from "../core/model-port.js";
import { isCodedError } from "../errors.js";
import { logger } from "../log.js";
import type { Skill, SkillImage, SkillResult } from "../skills/skill.js";
import { paramsFor, skillNameFor } from "./planner/aliases.js";
import { parseTurn } from "./planner/parse.js";

/**
 * The LLaVA-Plus loop: the model either answers or asks for one tool; the tool runs and its
 * text-only summary goes back as the next user turn, until an answer or the turn limit.
 * Anything unexpected (unknown tool, bad params, tool failure, garbled output) degrades to a
 * plain answer rather than an error.
 */
export interface PlannerInput {
  question: string;
  /** Every image of the conversation: the earlier turns' first, then this turn's. */
  images: ModelImage[];
  history: { role: "user" | "assistant"; content: string; imageCount?: number }[];
  /** Tools the model may call, by name. */
  tools: Record<string, Skill>;
  model: ModelPort;
  maxTurns: number;
  signal: AbortSignal;
  /** Runs a tool (the engine wraps skills with progress and context). */
  runTool: (skill: Skill, params: unknown) => Promise<SkillResult>;
  onThinking?: () => void;
}

export interface PlannerOutput {
  text: string;
  /** Only images that a tool really produced. */
  images: SkillImage[];
  data?: unknown;
  /** Thoughts, actions and tool summaries, for debug output. */
  trace: string[];
}

/**
 * The answer comes first, as plain text, so its first words can be shown at once; a tool call is
 * one short JSON line (parse.ts reads it, and the LLaVA-Plus form a fine-tuned model may still
 * write). No wrapper is asked for around a plain answer.
 */
function toolPrompt(tools: Record<string, Skill>, followUp: boolean): string {
  const lines = Object.values(tools).map((t) => `- ${t.name}: ${t.description}`);
  if (lines.length === 0) return "Answer the user's question about the image directly.";
  return [
    "Answer the user's question about the image directly, in plain text.",
    'If a tool is needed, reply with only: {"tool": "<name>", "params": {...}}',
    ...(followUp ? ["Tools see the newest image of this conversation."] : []),
    "Tools:",
    ...lines,
  ].join("\n");
}

function followUp(tool: string, summary: string, question: string): string {
  return `${tool} model outputs: ${summary}\n\nPlease summarize the model outputs and answer my first question: ${question}`;
}

export async function plan(input: PlannerInput): Promise<PlannerOutput> {
  const trace: string[] = [];
  const images: SkillImage[] = [];
  let data: unknown;
  const earlier = input.history.reduce((n, h) => n + (h.imageCount ?? 0), 0);
  const messages: ChatMessage[] = [
    { role: "system", content: toolPrompt(input.tools, earlier > 0) },
    ...input.history.map((h) => ({
      role: h.role,
      content: h.content,
      ...(h.imageCount ? { imageCount: h.imageCount } : {}),
    })),
    { role: "user", content: input.question, imageCount: Math.max(0, input.images.length - earlier) },
  ];
  let lastSummary: string | undefined;

  for (let turn = 0; turn <= input.maxTurns; turn++) {
    input.onThinking?.();
    const out = await input.model.generate({ messages, images: input.images, signal: input.signal });
    const parsed = parseTurn(out.text);
    if (parsed.thoughts) trace.push(`thoughts: ${parsed.thoughts}`);
    const call = parsed.action;
    if (!call || turn === input.maxTurns) {
      return { text: parsed.value ?? out.text, images, data, trace };
    }
    trace.push(`action: ${call.name} ${JSON.stringify(call.params)}`);
    // A LLaVA-Plus name (grounding_dino, sam, easyocr, …) runs the skill it stands for.
    const tool = input.tools[call.name] ?? input.tools[skillNameFor(call.name)];
    let summary: string;
    if (!tool) {
      summary = `there is no tool named ${call.name}; answer without it`;
    } else {
      const params = tool.params.safeParse(paramsFor(call.name, call.params));
      if (!params.success) {
        summary = `the ${call.name} tool was called with bad parameters (${params.error.issues.map((i) => i.message).join("; ")}); answer without it`;
      } else {
        try {
          const result = await input.runTool(tool, params.data);
          summary = result.summary;
          if (result.images) images.push(...result.images);
          if (result.data !== undefined) data = result.data;
        } catch (err) {
          if (!isCodedError(err)) logger().warn({ err, tool: call.name }, "tool failed inside the planner");
          summary = `the ${call.name} tool failed (${isCodedError(err) && err.userFacing ? err.message : "internal error"}); answer without it`;
        }
      }
    }
    trace.push(`${call.name} → ${summary}`);
    lastSummary = summary;
    messages.push({ role: "assistant", content: out.text });
    messages.push({ role: "user", content: followUp(call.name, summary, input.question) });
  }
  return { text: lastSummary ?? "", images, data, trace };
}
