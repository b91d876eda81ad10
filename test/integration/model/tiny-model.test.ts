import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelPort } from "../../../src/core/model-port.js";
import { createTransformersModel } from "../../../src/engine/model/transformers.js";
import { FAMILIES } from "../../../tools/tiny-model/index.js";
import { COLOURS } from "../../../tools/tiny-model/vocab.js";
import { asModelImage, colourPhoto, fixture } from "../../helpers/images.js";
import { tinyModelPort } from "../../helpers/tiny-model.js";

const QUESTION = [{ role: "user" as const, content: "What colour is it?", imageCount: 1 }];

/** A real photo pushed strongly toward one colour. */
async function tintedPhoto(colour: (typeof COLOURS)[number]): Promise<Buffer> {
  const photo = sharp(fixture("frisbee.jpg"));
  if (colour === "white") return photo.linear(0.15, 215).jpeg().toBuffer();
  if (colour === "black") return photo.linear(0.12, 0).jpeg().toBuffer();
  const gain = { red: [1, 0.2, 0.2], green: [0.2, 1, 0.2], blue: [0.2, 0.2, 1] }[colour];
  const [r = 1, g = 1, b = 1] = gain;
  // Keep the photo's luminance structure, push the colour balance hard toward one channel.
  return photo
    .recomb([
      [0.33 * r, 0.33 * r, 0.33 * r],
      [0.33 * g, 0.33 * g, 0.33 * g],
      [0.33 * b, 0.33 * b, 0.33 * b],
    ])
    .jpeg()
    .toBuffer();
}

describe.each(FAMILIES.map((family) => ({ family })))(
  "tiny $family through the transformers backend",
  ({ family }) => {
    let model: ModelPort;

    beforeAll(async () => {
      model = await tinyModelPort(family);
      await model.load();
    });
    afterAll(async () => {
      await model?.dispose();
    });

    it.each(COLOURS.map((colour) => ({ colour })))(
      "names $colour for a mostly-$colour picture",
      async ({ colour }) => {
        const image = await asModelImage(await colourPhoto(colour));
        const result = await model.generate({ messages: QUESTION, images: [image] });
        expect(result.text).toBe(colour);
        expect(result.finishReason).toBe("stop");
        expect(result.completionTokens).toBeGreaterThan(0);
      },
    );

    it.each(COLOURS.map((colour) => ({ colour })))(
      "names $colour for a real photo tinted $colour",
      async ({ colour }) => {
        const image = await asModelImage(await tintedPhoto(colour));
        const result = await model.generate({ messages: QUESTION, images: [image] });
        expect(result.text).toBe(colour);
      },
    );

    it("reads a real scanned page as white", async () => {
      const result = await model.generate({
        messages: QUESTION,
        images: [await asModelImage(fixture("ocr-testocr.png"))],
      });
      expect(result.text).toBe("white");
    });

    it("answers from the pixels, not the prompt: the same question gives different answers", async () => {
      const answers = new Set<string>();
      for (const colour of ["red", "blue"] as const) {
        const r = await model.generate({
          messages: QUESTION,
          images: [await asModelImage(await colourPhoto(colour))],
        });
        answers.add(r.text);
      }
      expect(answers).toEqual(new Set(["red", "blue"]));
    });

    it("streams tokens and reports timings", async () => {
      const pieces: string[] = [];
      const result = await model.generate({
        messages: QUESTION,
        images: [await asModelImage(await colourPhoto("green"))],
        onToken: (t) => pieces.push(t),
      });
      expect(pieces.join("").trim()).toBe("green");
      expect(result.timings?.prefillMs).toBeGreaterThanOrEqual(0);
      expect(result.promptTokens).toBeGreaterThan(3);
    });

    it("stops at maxNewTokens with finishReason length", async () => {
      // The tiny model needs two steps (colour, then end); one token cuts it short.
      const result = await model.generate({
        messages: QUESTION,
        images: [await asModelImage(await colourPhoto("red"))],
        maxNewTokens: 1,
      });
      expect(result.text).toBe("red");
      expect(result.finishReason).toBe("length");
    });

    it("takes two images in one prompt: one placeholder each, expanded to each image's features", async () => {
      const red = await asModelImage(await colourPhoto("red"));
      const tinted = await asModelImage(await tintedPhoto("red"));
      const one = await model.generate({ messages: QUESTION, images: [red] });
      const two = await model.generate({
        messages: [{ role: "user", content: "What colour is it?", imageCount: 2 }],
        images: [red, tinted],
      });
      expect(two.text).toBe("red");
      // The second image adds exactly one image's worth of tokens (its newline aside).
      const perImage = two.promptTokens - one.promptTokens;
      expect(perImage).toBeGreaterThanOrEqual(9);
      expect(perImage).toBeLessThanOrEqual(26);
    });

    it("reads images across turns of a conversation", async () => {
      // The tiny model answers the mean colour of every image it saw: red then white reads as red,
      // white then red too, while either photo alone reads as itself. So each turn's image counts.
      const red = await asModelImage(await colourPhoto("red"));
      const white = await asModelImage(await colourPhoto("white"));
      const turns = (first: typeof red, second: typeof red) =>
        model.generate({
          messages: [
            { role: "user", content: "What colour is it?", imageCount: 1 },
            { role: "assistant", content: "colour" },
            { role: "user", content: "And this one?", imageCount: 1 },
          ],
          images: [first, second],
        });
      expect((await model.generate({ messages: QUESTION, images: [white] })).text).toBe("white");
      expect((await model.generate({ messages: QUESTION, images: [red] })).text).toBe("red");
      expect((await turns(red, white)).text).toBe("red");
      expect((await turns(white, red)).text).toBe("red");
    });

    it("refuses a request whose images and placeholders disagree, in one line", async () => {
      await expect(model.generate({ messages: QUESTION, images: [] })).rejects.toMatchObject({
        code: "internal",
        message: expect.stringMatching(/places 1 image/),
      });
    });

    it("stops when the signal is aborted", async () => {
      const controller = new AbortController();
      controller.abort();
      await expect(
        model.generate({
          messages: QUESTION,
          images: [await asModelImage(await colourPhoto("red"))],
          signal: controller.signal,
        }),
      ).rejects.toMatchObject({ code: "aborted" });
    });
  },
);

describe("model not found", () => {
  it("names the folder it tried and how to point at one", async () => {
    const model = createTransformersModel({
      id: "/nonexistent/llava-folder",
      device: "cpu",
      dtype: "auto",
      maxNewTokens: 8,
      temperature: 0,
    });
    await expect(model.load()).rejects.toMatchObject({
      code: "model_not_found",
      message: expect.stringMatching(/\/nonexistent\/llava-folder.*no such folder.*--model/s),
    });
  });

  it("names the hub id it tried when the hub cannot be reached", async () => {
    const { env } = await import("@huggingface/transformers");
    const before = env.allowRemoteModels;
    env.allowRemoteModels = false; // no network here: fail at once instead of on DNS
    try {
      const model = createTransformersModel({
        id: "llava-hf/not-a-real-model",
        device: "cpu",
        dtype: "auto",
        maxNewTokens: 8,
        temperature: 0,
      });
      await expect(model.load()).rejects.toMatchObject({
        code: "model_not_found",
        message: expect.stringMatching(/"llava-hf\/not-a-real-model".*local folder/s),
      });
    } finally {
      env.allowRemoteModels = before;
    }
  });
});
