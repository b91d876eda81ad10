import { describe, expect, it } from "vitest";
import { familyFor, renderPrompt, toTemplateMessages } from "../../../src/engine/model/templates.js";

const conversation = [
  { role: "system" as const, content: "Be brief." },
  { role: "user" as const, content: "What is this?", imageCount: 1 },
  { role: "assistant" as const, content: "A dog." },
  { role: "user" as const, content: "What colour?" },
];

describe("conversation templates", () => {
  it("picks ChatML for Qwen-based families and LLaVA-1.5 otherwise", () => {
    expect(familyFor("llava_qwen2")).toBe("chatml");
    expect(familyFor("llava_onevision")).toBe("chatml");
    expect(familyFor("llava")).toBe("llava15");
    expect(familyFor(undefined)).toBe("llava15");
  });

  it("renders LLaVA-1.5 with the image token before the text", () => {
    expect(renderPrompt("llava15", conversation)).toBe(
      "Be brief.\nUSER: <image>\nWhat is this? ASSISTANT: A dog.</s>USER: What colour? ASSISTANT:",
    );
  });

  it("renders ChatML with an open assistant turn", () => {
    expect(renderPrompt("chatml", conversation)).toBe(
      "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n<image>\nWhat is this?<|im_end|>\n<|im_start|>assistant\nA dog.<|im_end|>\n<|im_start|>user\nWhat colour?<|im_end|>\n<|im_start|>assistant\n",
    );
  });

  it("gives HF chat templates image parts before text", () => {
    expect(toTemplateMessages(conversation)[1]).toEqual({
      role: "user",
      content: [{ type: "image" }, { type: "text", text: "What is this?" }],
    });
  });
});
