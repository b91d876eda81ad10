import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { scriptedModel } from "../../helpers/scripted-model.js";
import { type SlackUnderTest, startSlackUnderTest } from "./app.js";
import { mentionEvent, slackFile, slashCommand } from "./harness.js";

/**
 * Slack (issue 28, items 2 and 9): .txt and .md files are read as part of the question and the
 * files not used are named; a scope the app was installed without (`missing_scope`, with the
 * scope Slack says it `needed`) reads as what it is, not as "something went wrong".
 */
const QUESTION = "Which colour is the car, and does it look repainted?";
let t: SlackUnderTest;

beforeAll(async () => {
  t = await startSlackUnderTest({
    prefix: uniquePrefix("slack-files-scopes"),
    files: {
      FRED: await colourPhoto("red"),
      FTXT: Buffer.from(QUESTION),
      FPDF: Buffer.from("%PDF-1.4\n"),
      FBIG: Buffer.alloc(9000, "a"),
    },
  });
}, 60_000);
afterAll(() => t?.close());

/** A file object as Slack sends it in an event, for a file of any type. */
const file = (id: string, name: string, mimetype: string, filetype: string, size: number) => ({
  ...slackFile(t.api.url, id, name),
  mimetype,
  filetype,
  size,
});

describe("Slack: text files and missing scopes", () => {
  it("a mention's .txt file is read into the question; a PDF and a text file over the limit are named as not used", async () => {
    const model = scriptedModel(['"thoughts🤔" read "actions🚀" [] "value👉" it is red']);
    t.setOverride(model);
    try {
      const ts = "1700000401.000100";
      await t.send(
        mentionEvent(
          "EvText1",
          "CTEXT",
          ts,
          [
            slackFile(t.api.url, "FRED", "car.png"),
            file("FTXT", "question.txt", "text/plain", "text", QUESTION.length),
            file("FPDF", "report.pdf", "application/pdf", "pdf", 9),
            file("FBIG", "notes.md", "text/plain", "markdown", 9000),
          ],
          "<@UBOT> see the file",
        ),
      );
      const final =
        "(I did not use report.pdf, notes.md: I read photos and small .txt or .md files.)\n\nit is red";
      await waitFor(
        () => [...t.api.posted.values()].some((m) => m.channel === "CTEXT" && m.text === final),
        20_000,
        "the answer",
      );
      expect(model.requests[0]?.messages.at(-1)?.content).toBe(`see the file\n\n${QUESTION}`);
      expect(model.requests[0]?.images).toHaveLength(1);
      // The PDF was never downloaded; the big file not past its declared size.
      expect(t.api.fileHits.map((h) => h.path).sort()).toEqual(["/files/FRED", "/files/FTXT"]);
    } finally {
      t.setOverride(undefined);
    }
  });

  it("a slash command where the app lacks chat:write (missing_scope) says which scope, through response_url", async () => {
    t.api.history.set("CSCOPE", [
      { user: "U5", ts: String(Date.now() / 1000 - 5), files: [slackFile(t.api.url, "FRED", "red.png")] },
    ]);
    t.api.limits.missingScopes.add("chat:write");
    try {
      await t.send(
        slashCommand({
          command: "/describe",
          user: "U5",
          channel: "CSCOPE",
          trigger: "trig-scope",
          standIn: t.api.url,
        }),
        { form: true },
      );
      const said = () => t.api.responses.filter((r) => r.path === "/respond/trig-scope");
      await waitFor(() => said().length > 0, 20_000, "the response");
      expect(said()).toHaveLength(1);
      expect(said()[0]?.body.text).toBe(
        "⚠️ I'm missing the Slack permission `chat:write`, so I can't answer here. Ask whoever installed me to add it and reinstall the app.",
      );
      expect(t.api.refused.some((c) => c.error === "missing_scope")).toBe(true);
    } finally {
      t.api.limits.missingScopes.delete("chat:write");
    }
  });
});
