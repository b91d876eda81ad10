import type { ChatMessage } from "../../core/model-port.js";

/**
 * Conversation formats for models whose tokenizer ships no chat template. Where a template
 * exists, the backend uses the tokenizer's own; these are the fallbacks per model family.
 */
export type TemplateFamily = "llava15" | "chatml";

export const IMAGE_TOKEN = "<image>";

/** Model families whose language model is Qwen-based speak ChatML. */
export function familyFor(modelType: string | undefined): TemplateFamily {
  return modelType && /qwen|onevision/i.test(modelType) ? "chatml" : "llava15";
}

function withImages(message: ChatMessage): string {
  const images = `${IMAGE_TOKEN}\n`.repeat(message.imageCount ?? 0);
  return `${images}${message.content}`;
}

/** LLaVA-1.5: `USER: <image>\n... ASSISTANT:` with an optional system line first. */
function llava15(messages: ChatMessage[]): string {
  let out = "";
  for (const m of messages) {
    if (m.role === "system") out += `${m.content}\n`;
    else if (m.role === "user") out += `USER: ${withImages(m)} `;
    else out += `ASSISTANT: ${m.content}</s>`;
  }
  return `${out}ASSISTANT:`;
}

function chatml(messages: ChatMessage[]): string {
  let out = "";
  for (const m of messages) out += `<|im_start|>${m.role}\n${withImages(m)}<|im_end|>\n`;
  return `${out}<|im_start|>assistant\n`;
}

export function renderPrompt(family: TemplateFamily, messages: ChatMessage[]): string {
  return family === "chatml" ? chatml(messages) : llava15(messages);
}

/** Messages in the structured form HF chat templates expect: image parts before the text. */
export function toTemplateMessages(messages: ChatMessage[]): { role: string; content: unknown }[] {
  return messages.map((m) => ({
    role: m.role,
    content: [
      ...Array.from({ length: m.imageCount ?? 0 }, () => ({ type: "image" })),
      { type: "text", text: m.content },
    ],
  }));
}

/**
 * Whether a chat template renders structured content (image parts); Qwen2's own template, which
 * nanoLLaVA ships, only concatenates string content.
 */
export function templateTakesParts(template: string): boolean {
  return /\[\s*['"]type['"]\s*\]|\.type\b|selectattr/.test(template);
}

/** Messages with string content and one `<image>` line per image before the text. */
export function toInlineMessages(messages: ChatMessage[]): { role: string; content: string }[] {
  return messages.map((m) => ({ role: m.role, content: withImages(m) }));
}
