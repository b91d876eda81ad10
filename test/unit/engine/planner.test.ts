import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { createEngine } from "../../../src/engine/engine.js";
import { createTransformersModel } from "../../../src/engine/model/transformers.js";
import { parseTurn } from "../../../src/engine/planner/parse.js";
import { closeOcr } from "../../../src/skills/ocr/pool.js";
import { asModelImage, colourPhoto, fixture } from "../../helpers/images.js";
import { testConfig } from "../../helpers/queue.js";
import { scriptedModel } from "../../helpers/scripted-model.js";
import { tinyModelDir } from "../../helpers/tiny-model.js";

afterAll(closeOcr);

// Recorded turns in the shapes models actually produce.
const LLAVA_PLUS_OCR = `"thoughts🤔" The user wants the words on the page, so I should read them with OCR.
"actions🚀" [{"API_name": "ocr", "API_params": {}}]
"value👉" I will read the text in the image.`;
const LLAVA_PLUS_ANSWER = `"thoughts🤔" The OCR found the sentence. "actions🚀" [] "value👉" The page says: The quick brown dog jumped over the lazy fox.`;
const JSON_EDIT = '{"tool": "edit", "params": {"edits": "look autumn + crop 4:5"}}';
const PYTHON_STYLE = `"thoughts🤔" need text "actions🚀" [{'API_name': 'ocr', 'API_params': {}}] "value👉" reading`;

function run(
  turns: string[],
  question: string,
  images: Awaited<ReturnType<typeof asModelImage>>[],
  debug = false,
) {
  const model = scriptedModel(turns);
  return createEngine({ config: testConfig({ engine: { maxTurns: 3, debug } }), secrets: {}, model }).then(
    async (engine) => ({
      out: await engine.run(
        { command: "chat", args: {}, text: question, images, history: [] },
        { signal: new AbortController().signal },
      ),
      model,
    }),
  );
}

describe("parseTurn", () => {
  it("reads the LLaVA-Plus format", () => {
    expect(parseTurn(LLAVA_PLUS_OCR)).toEqual({
      format: "llava-plus",
      thoughts: "The user wants the words on the page, so I should read them with OCR.",
      action: { name: "ocr", params: {} },
      value: "I will read the text in the image.",
    });
    const answer = parseTurn(LLAVA_PLUS_ANSWER);
    expect(answer.action).toBeUndefined();
    expect(answer.value).toContain("quick brown dog");
  });

  it("reads the plain JSON form and Python-style dicts", () => {
    expect(parseTurn(JSON_EDIT)).toEqual({
      format: "json",
      action: { name: "edit", params: { edits: "look autumn + crop 4:5" } },
    });
    expect(parseTurn('{"answer": "A cat."}')).toEqual({ format: "json", value: "A cat." });
    expect(parseTurn(PYTHON_STYLE).action).toEqual({ name: "ocr", params: {} });
  });

  it("treats anything else as a plain answer, never throwing", () => {
    for (const junk of [
      '"actions🚀" [{"API_name": ',
      "{not json",
      "",
      "🤔🚀👉",
      '"actions🚀" [{"API_params": {}}]',
    ]) {
      expect(() => parseTurn(junk)).not.toThrow();
      expect(parseTurn(junk).action).toBeUndefined();
    }
  });
});

describe("the LLaVA-Plus loop over recorded turns", () => {
  it("runs the tool the model asks for and feeds its summary back as the next user turn", async () => {
    const page = await asModelImage(fixture("ocr-testocr.png"));
    const { out, model } = await run([LLAVA_PLUS_OCR, LLAVA_PLUS_ANSWER], "What does the page say?", [page]);
    expect(out.text).toBe("The page says: The quick brown dog jumped over the lazy fox.");
    expect(out.debug).toBeUndefined(); // thoughts stay hidden unless debug is on
    expect(model.requests).toHaveLength(2);
    const followUp = model.requests[1]?.messages.at(-1)?.content ?? "";
    expect(followUp).toMatch(/^ocr model outputs: \d+ lines of text: .*quick brown dog/s);
    expect(followUp).toMatch(
      /Please summarize the model outputs and answer my first question: What does the page say\?$/,
    );
    // Binary output never reaches the model's context.
    expect(JSON.stringify(model.requests[1]?.messages)).not.toMatch(/base64|data:image/);
    expect(model.requests[0]?.messages[0]?.content).toMatch(/ocr: Read the text/);
  });

  it("returns the edited image from the JSON form, with the edit really applied", async () => {
    const photo = await asModelImage(fixture("frisbee.jpg"));
    const { out } = await run(
      [JSON_EDIT, '{"answer": "Here is your autumn photo."}'],
      "make it autumn and 4:5",
      [photo],
    );
    expect(out.text).toBe("Here is your autumn photo.");
    expect(out.images).toHaveLength(1);
    const meta = await sharp(out.images[0]?.bytes as Buffer).metadata();
    expect(Math.abs((meta.width ?? 0) - ((meta.height ?? 0) * 4) / 5)).toBeLessThanOrEqual(1);
  });

  it("shows thoughts and actions only with debug on", async () => {
    const page = await asModelImage(fixture("ocr-simple.png"));
    const { out } = await run([LLAVA_PLUS_OCR, LLAVA_PLUS_ANSWER], "read it", [page], true);
    expect(out.debug).toMatch(/thoughts: The user wants the words/);
    expect(out.debug).toMatch(/action: ocr/);
  });

  it("an unknown tool degrades to a plain answer", async () => {
    const unknown = `"thoughts🤔" redraw it "actions🚀" [{"API_name": "controlnet", "API_params": {"caption": "dog"}}] "value👉" Redrawing the dog.`;
    const { out, model } = await run([unknown, "There is a dog on the left."], "where is the dog?", [
      await asModelImage(fixture("frisbee.jpg")),
    ]);
    expect(out.text).toBe("There is a dog on the left.");
    expect(model.requests[1]?.messages.at(-1)?.content).toMatch(/no tool named controlnet/);
    expect(out.images).toEqual([]);
  });

  it("bad params degrade to a plain answer", async () => {
    const bad = '{"tool": "edit", "params": {"look": "psychedelic"}}';
    const { out, model } = await run([bad, "I can't apply that look, sorry."], "make it trippy", [
      await asModelImage(fixture("frisbee.jpg")),
    ]);
    expect(out.text).toBe("I can't apply that look, sorry.");
    expect(model.requests[1]?.messages.at(-1)?.content).toMatch(/called with bad parameters/);
  });

  it("a tool error degrades to a plain answer and claims no image", async () => {
    const editWithoutEdits = '{"tool": "edit", "params": {}}';
    const { out, model } = await run([editWithoutEdits, "I edited the photo for you!"], "edit it", [
      await asModelImage(fixture("frisbee.jpg")),
    ]);
    expect(model.requests[1]?.messages.at(-1)?.content).toMatch(/the edit tool failed/);
    // The model says it edited; no skill produced an image, so none is returned.
    expect(out.text).toBe("I edited the photo for you!");
    expect(out.images).toEqual([]);
  });

  it("malformed output is a plain answer", async () => {
    const { out } = await run(['"actions🚀" [{"API_name": "ocr", "API_par'], "hm?", [
      await asModelImage(fixture("frisbee.jpg")),
    ]);
    expect(out.text).toContain("API_name");
  });

  it("stops after maxTurns even if the model keeps calling tools", async () => {
    const { model, out } = await run([LLAVA_PLUS_OCR], "loop forever", [
      await asModelImage(fixture("ocr-simple.png")),
    ]);
    expect(model.requests).toHaveLength(4); // 3 tool turns + the final one
    expect(out.text).toBe("I will read the text in the image.");
  });

  it("slash commands go straight to their skill without the planner", async () => {
    const model = scriptedModel([LLAVA_PLUS_OCR]);
    const engine = await createEngine({ config: testConfig(), secrets: {}, model });
    const out = await engine.run(
      {
        command: "ocr",
        args: {},
        text: "",
        images: [await asModelImage(fixture("ocr-simple.png"))],
        history: [],
      },
      { signal: new AbortController().signal },
    );
    expect(out.text).toContain("Tesseract.js");
    expect(model.requests).toHaveLength(0);
  });
});

describe("the loop end to end with the tiny model", () => {
  it("degrades to the model's plain answer and routes commands", async () => {
    const dir = await tinyModelDir();
    const engine = await createEngine({
      config: testConfig({ model: { id: dir } }),
      secrets: {},
      model: createTransformersModel({
        id: dir,
        device: "cpu",
        dtype: "auto",
        maxNewTokens: 16,
        temperature: 0,
      }),
    });
    const signal = new AbortController().signal;
    const image = await asModelImage(await colourPhoto("blue"));
    const chat = await engine.run(
      { command: "chat", args: {}, text: "what do you see?", images: [image], history: [] },
      { signal },
    );
    expect(chat).toMatchObject({ text: "blue", images: [] });
    const edit = await engine.run(
      { command: "edit", args: { look: "mono" }, text: "", images: [image], history: [] },
      { signal },
    );
    expect(edit.images).toHaveLength(1);
    expect(edit.text).toBe("Done: mono look.");
    await engine.close();
  });
});
