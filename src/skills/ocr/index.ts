import sharp from "sharp";
import { z } from "zod";
import { CodedError, ErrorCode } from "../../errors.js";
import type { Skill } from "../skill.js";
import { withOcr } from "./pool.js";

interface OcrLine {
  text: string;
  confidence: number;
  /** x0, y0, x1, y1 in pixels of the image as the model saw it */
  box: [number, number, number, number];
}

export interface OcrResult {
  text: string;
  lines: OcrLine[];
}

interface Block {
  paragraphs?: {
    lines?: { text: string; confidence: number; bbox: { x0: number; y0: number; x1: number; y1: number } }[];
  }[];
}

export async function recognise(image: Buffer, workers: number): Promise<OcrResult> {
  const { width = 0, height = 0 } = await sharp(image).metadata();
  const { data } = (await withOcr(workers, width * height, (scheduler) =>
    scheduler.addJob("recognize", image, {}, { blocks: true, text: true }),
  )) as unknown as {
    data: { text: string; blocks?: Block[] | null };
  };
  const lines: OcrLine[] = [];
  for (const block of data.blocks ?? [])
    for (const paragraph of block.paragraphs ?? [])
      for (const line of paragraph.lines ?? []) {
        const text = line.text.trim();
        if (!text) continue;
        const { x0, y0, x1, y1 } = line.bbox;
        lines.push({ text, confidence: Math.round(line.confidence), box: [x0, y0, x1, y1] });
      }
  return { text: data.text.trim(), lines };
}

export const ocr = {
  name: "ocr",
  usesModel: false,
  description: "Read the text in the image (OCR), with line boxes.",
  params: z.object({}).default({}),
  async run(ctx) {
    const image = ctx.images[0];
    if (!image) throw new CodedError(ErrorCode.NoImage, "Please attach an image with text to read.");
    ctx.progress?.("reading text");
    const result = await recognise(image.bytes, ctx.config.engine.ocrWorkers);
    const text = result.text || "I could not find any readable text in that image.";
    // The model only needs the words; boxes stay in `data` for callers that draw them.
    const summary = result.text
      ? `${result.lines.length} lines of text: ${result.text.slice(0, 1500)}`
      : "no text found";
    return { text, summary, data: result };
  },
} satisfies Skill;
