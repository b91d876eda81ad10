import type { GenerateRequest, GenerateResult, ModelPort } from "../../src/core/model-port.js";

/**
 * A model that answers the post skill's and refine.ts's prompts as a capable model would: a
 * description and alt text when it sees the photo, a numbered list of captions it has not
 * written before, a short rewrite, a translation marked with the language. It counts the calls
 * that carried the photo, so tests can prove a refinement made no second vision pass.
 */
const POOL = [
  "A bright frisbee cuts across the afternoon sky above the park",
  "Weekend plans: chase the disc, forget the inbox, repeat until sunset",
  "Grass stains are a badge of honour when the throw is this good",
  "Every great catch starts with somebody brave enough to throw first",
  "The dog wanted it more, but we still call this one a team win",
  "Sunlight, open lawn and one bright disc hanging in the air",
  "Proof that the best tools for a good day fit in one hand",
  "Nothing fancy here, just friends, a field and a flying plastic plate",
  "Caught mid-flight: the moment before everyone starts cheering",
  "Our office moved outdoors today and productivity has never looked better",
  "Somewhere between a perfect spiral and a lucky bounce lies pure joy",
  "Fresh air therapy, prescribed in generous doses every Saturday morning",
  "Tiny plastic disc, enormous grin, zero regrets about the muddy shoes",
  "If you can read this, the frisbee is already halfway to the trees",
  "Green grass, blue sky and the loudest cheer of the whole afternoon",
  "Practice makes progress, and progress looks a lot like this throw",
  "Summer in one frame: warm light, tall trees and a spinning disc",
  "Teamwork is mostly running after things together and laughing about it",
  "Give us a park and a frisbee and we will give you an afternoon",
  "Low effort, high reward: the official sport of lazy sunny days",
];

/** Witty's hint as the caption prompt words it: what a tone click must bring to the model. */
export const WITTY = "Tone: clever, with a light pun.";

/** The tone line of each caption-set prompt, in order. */
export const toneLines = (prompts: readonly string[]) =>
  prompts.filter((p) => /^Write \d+ different/.test(p)).map((p) => /^Tone: [^.]*\./m.exec(p)?.[0]);

export function postModel(): ModelPort & { visionCalls: number; prompts: string[] } {
  let next = 0;
  const port = {
    id: "post-model",
    visionCalls: 0,
    prompts: [] as string[],
    async load() {},
    async dispose() {},
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const prompt = request.messages.at(-1)?.content ?? "";
      port.prompts.push(prompt);
      if (request.images.length) port.visionCalls++;
      const answer = (text: string): GenerateResult => {
        request.onToken?.(text);
        return { text, promptTokens: 10, completionTokens: 5, finishReason: "stop" };
      };
      const set = /^Write (\d+) different/.exec(prompt);
      if (set) {
        const n = Number(set[1]);
        const items = Array.from({ length: n }, (_, i) => `${i + 1}. ${POOL[next++ % POOL.length]}`);
        return answer(items.join("\n"));
      }
      if (prompt.startsWith("Write one ")) return answer(POOL[next++ % POOL.length] ?? "");
      const caption = /\nCaption: (.*)\n/.exec(prompt)?.[1];
      if (prompt.startsWith("Rewrite") && caption)
        return answer(`${caption.split(" ").slice(0, 4).join(" ")}!`);
      const text = /\nText: (.*)\n/.exec(prompt)?.[1];
      const lang = /into (\w+)\./.exec(prompt)?.[1];
      if (prompt.startsWith("Translate") && text) return answer(`[${lang}] ${text}`);
      if (prompt.startsWith("Describe this photo for someone"))
        return answer("A red frisbee in flight over a green lawn");
      if (request.images.length) return answer("A red frisbee flying over a green park lawn on a sunny day");
      return answer("I am not sure.");
    },
  };
  return port;
}
