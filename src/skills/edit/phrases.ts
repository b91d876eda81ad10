import { CodedError, ErrorCode } from "../../errors.js";
import { ASPECT_NAMES, LOOK_WORDS, lookFor, PLATFORM_WORDS, platformAspect } from "./names.js";
import {
  adjust,
  CCW,
  CW,
  DEGREES,
  direction,
  effect,
  fixed,
  IT_IS,
  MAKE,
  ops,
  type Phrase,
  refuse,
  turn,
} from "./rows.js";

export type { Outcome, Phrase } from "./rows.js";

/** Background colours by name ("white background", "replace the background with black"). */
const BACKGROUND_COLOURS: Record<string, string> = {
  white: "#ffffff",
  black: "#000000",
  grey: "#808080",
  gray: "#808080",
  red: "#d02020",
  green: "#20a040",
  blue: "#2050d0",
  yellow: "#f0d020",
  pink: "#f0a0c0",
};

/**
 * The phrasings people type, in the order they are tried: the first row whose pattern matches
 * the whole clause decides. Adjustments come before looks, looks before generative requests,
 * so "add contrast" is contrast and only "add a hat" is left for an image generator.
 */
export const PHRASES: Phrase[] = [
  // text onto the photo, case kept
  {
    on: "original",
    pattern:
      /^(?:add |put )?(?:an? |the )?(?:caption|text|title|subtitle|label)(?::|\s+saying|\s+that says|\s+reading|\s+with)?\s+"(.+)"$/i,
    make: (m) => ops({ op: "caption", text: m[1] ?? "" }),
  },
  {
    on: "original",
    pattern:
      /^(?:add |put )?(?:an? |the )?watermark(?: it)?(?::|\s+saying|\s+that says|\s+reading|\s+with)?\s+"?(.+?)"?$/i,
    make: (m) => ops({ op: "watermark", text: m[1] ?? "" }),
  },
  {
    on: "original",
    pattern: /^(?:caption|text)(?::|\s)\s*(.+)$/i,
    make: (m) => ops({ op: "caption", text: m[1] ?? "" }),
  },
  refuse('Put the words in quotes, e.g. watermark "© Ann" or caption "Sunday at the lake".', [
    "(?:add |put )?(?:an? |the )?(?:watermark|caption|text|title)(?: it)?",
  ]),

  // tone and colour
  adjust("brightness", 1, [
    "brighter|lighter|brighten(?: it)?(?: up)?|lighten(?: it)?(?: up)?|more (?:bright|light|exposed|brightness|exposure)",
    "(?:increase|raise|boost|up|turn up|add) (?:the )?(?:brightness|exposure|light)|(?:brightness|exposure) up",
    `overexpose(?: it)?|${IT_IS}(?:too dark|underexposed)|less dark`,
  ]),
  adjust("brightness", -1, [
    "darker|dimmer|darken(?: it)?|dim(?: it)?|less (?:bright|light|exposed|brightness|exposure)",
    "(?:decrease|lower|reduce|turn down) (?:the )?(?:brightness|exposure|light)|(?:brightness|exposure) down",
    `underexpose(?: it)?|${IT_IS}(?:too bright|overexposed)`,
  ]),
  adjust("brightness", 0, ["brightness|exposure"]),
  adjust("contrast", 1, [
    "more contrast(?:y)?|contrastier|punchier|higher contrast|contrast up",
    "(?:increase|raise|boost|up|turn up|add|more) (?:the )?contrast",
  ]),
  adjust("contrast", -1, [
    "less contrast(?:y)?|flatter|lower contrast|softer contrast|contrast down|less harsh",
    "(?:decrease|lower|reduce|turn down|soften) (?:the )?contrast",
  ]),
  adjust("contrast", 0, ["contrast"]),
  adjust("saturation", 1, [
    "more (?:saturated|saturation|colou?rful|vivid|vibrant|vibrance|colou?rs?)|saturate(?: it)?|saturation up",
    "(?:increase|raise|boost|up|turn up|add) (?:the )?(?:saturation|colou?rs?|vibrance)",
    "(?:more )?(?:vivid|vibrant|colou?rful)|richer colou?rs|brighter colou?rs|(?:make )?(?:the )?colou?rs pop",
    `${IT_IS}(?:too )?(?:dull|washed out)|less (?:dull|washed out)`,
  ]),
  adjust("saturation", -1, [
    "less (?:saturated|saturation|colou?rful|vivid|vibrant|vibrance|colou?rs?)|desaturated?(?: it)?|saturation down",
    "(?:decrease|lower|reduce|turn down|tone down|mute) (?:the )?(?:saturation|colou?rs?|vibrance)",
    `(?:more )?muted(?: colou?rs)?|${IT_IS}too (?:saturated|colou?rful)`,
  ]),
  adjust("saturation", 0, ["saturation|vibrance"]),
  fixed(ops({ op: "grayscale" }), [
    "(?:(?:make|turn|convert|change|switch)(?: it| the colou?rs)?(?: to| into)? |in |to )?(?:black and white|b&w|b/w|bw|gr[ae]y ?scale|monochrome|no colou?rs?|colou?rless)",
    "remove (?:the |all )?colou?rs?|desaturate(?: it)? (?:completely|fully|entirely)|drain (?:the )?colou?rs?",
  ]),
  fixed(ops({ op: "sepia" }), [
    "(?:in |to |make it |turn it |convert it to )?sepia(?:[- ]?ton(?:e|ed))?",
    "brown ?ton(?:e|ed)",
  ]),
  adjust("warmth", 1, [
    "warmer|warm(?: it)? up|more (?:warm|warmth|golden|amber)|warmth up|(?:make|get|turn) it warm",
    "(?:increase|raise|boost|up|turn up|add) (?:the )?(?:warmth|temperature)|golden(?: hour)?",
    `less (?:cold|cool|blue)|${IT_IS}too (?:cold|cool|blue)`,
  ]),
  adjust("warmth", -1, [
    "cooler|colder|bluer|cool(?: it)? down|more (?:cool|cold|blue)|warmth down|(?:make|get|turn) it (?:cool|cold)",
    "(?:decrease|lower|reduce|turn down) (?:the )?(?:warmth|temperature)",
    `less (?:warm|warmth|yellow|orange)|${IT_IS}too (?:warm|yellow|orange)`,
  ]),
  adjust("warmth", 0, ["warmth|temperature"]),
  adjust("tint", 1, [
    "more (?:magenta|pink)|pinker|(?:tint|shift)(?: it)? (?:to(?:wards?)? |more )?(?:magenta|pink)",
    `less green|${IT_IS}too green`,
  ]),
  adjust("tint", -1, [
    "more green|greener|(?:tint|shift)(?: it)? (?:to(?:wards?)? |more )?green",
    `less (?:magenta|pink)|${IT_IS}too (?:magenta|pink)`,
  ]),
  adjust("tint", 0, ["tint"]),

  // detail and effects
  effect("sharpen", "strength", [
    `${MAKE}(?:sharper|crisper|sharpen(?:ed)?(?: it)?(?: up)?|crisp(?: it)? up|more (?:sharp|sharpness|detail|crisp|defined|clarity))`,
    "(?:increase|add|boost) (?:the )?(?:sharpness|detail|clarity)|sharpness|clarity",
    "(?:it'?s |it is |too )(?:blurry|soft|fuzzy)|less (?:blurry|fuzzy)|unblur(?: it)?|deblur(?: it)?",
  ]),
  effect("vignette", "strength", [
    "(?:add |give it |put )?(?:an? )?(?:vignette|vignetting)(?: effect)?",
    "(?:darken|darker|dark|shade)(?: the)? (?:edges|corners)",
  ]),
  fixed(ops({ op: "background", action: "blur" }), [
    "(?:blur|blurred|blurry|soften|defocus)(?: the| its)? (?:background|bg|backdrop)",
    "background blur|bokeh|portrait mode|(?:blurry|blurred|soft) background",
  ]),
  effect("blur", "blur", [
    `${MAKE}(?:blur(?:red)?|blurry|blurrier|soften(?:ed)?|softer|less sharp|out of focus)(?: it)?`,
    "(?:add |more )blur",
  ]),
  fixed(ops({ op: "enhance" }), [
    "(?:auto[- ]?)?enhance(?:d)?(?: it)?|auto(?:[- ]?(?:fix|adjust|correct|levels|tone))?",
    "(?:make it )?pop(?:py|pier)?|(?:improve|fix|correct)(?: the)? (?:colou?rs|lighting|exposure|levels)",
    "touch(?: it)? up|quick fix|one[- ]tap fix",
  ]),

  // turning and mirroring
  fixed(ops({ op: "flip", axis: "vertical" }), [
    "(?:flip|flipped|mirror|mirrored|reflect)(?: it)? (?:vertically|vertical|top[- ]to[- ]bottom|upside[- ]down)",
  ]),
  fixed(ops({ op: "flip", axis: "horizontal" }), [
    "(?:flip|flipped|mirror|mirrored|reflect)(?: it)?(?: (?:horizontally|horizontal|left[- ]to[- ]right|left[- ]right|sideways|side to side))?",
    "mirror(?:ed)? image",
  ]),
  fixed(ops({ op: "rotate", degrees: 180 }), [
    "(?:turn|rotate|put)(?: it)? (?:upside[- ]down|around)|upside[- ]down|(?:a )?half turn",
  ]),
  fixed(ops({ op: "rotate", degrees: 90 }), [
    "turn(?: it)? sideways|(?:rotate |turn )?(?:it )?(?:a )?quarter turn(?: (?:clockwise|cw|right|to the right))?",
  ]),
  fixed(ops({ op: "rotate", degrees: 270 }), [`(?:rotate |turn )?(?:it )?(?:a )?quarter turn (?:${CCW})`]),
  {
    on: "plain",
    pattern: new RegExp(
      `^(?:rotate|rotated|turn)(?: it)?(?: by)?(?: (-?\\d+(?:\\.\\d+)?)${DEGREES})?(?: (${CW}|${CCW}))?$`,
    ),
    make: (m) => turn(Number(m[1] ?? 90) * direction(m[2]), m[1] ?? "90"),
  },
  {
    on: "plain",
    pattern: new RegExp(
      `^(?:straighten|straightened|level|tilt|fix the tilt)(?: it| the horizon)?(?: by)? (-?\\d+(?:\\.\\d+)?)${DEGREES}(?: (${CW}|${CCW}))?$`,
    ),
    make: (m) => {
      const degrees = Number(m[1]) * direction(m[2]);
      if (degrees === 0 || Math.abs(degrees) > 15)
        throw new CodedError(
          ErrorCode.BadRequest,
          `I straighten by up to 15 degrees either way, not ${m[1]}.`,
        );
      return ops({ op: "straighten", degrees });
    },
  },
  refuse("Tell me by how much to straighten, e.g. `straighten 2 degrees` (clockwise) or `straighten -2`.", [
    "straighten(?:ed)?(?: it| the horizon)?|level(?: it| the horizon)|fix the (?:tilt|horizon)",
    "(?:it'?s |it is )(?:crooked|tilted|wonky)",
  ]),

  // framing
  {
    on: "plain",
    pattern: new RegExp(
      `^(?:(?:crop|cropped|cut|trim|make|reframe|format|size|resize|fit|prepare|get|ready)(?: it)? )?(?:for|to fit|fit for|ready for|as|to|into)? ?(?:an? |the )?(${PLATFORM_WORDS})(?: (?:post|feed|format|size|crop|photo|picture))?$`,
    ),
    make: (m) => ops({ op: "crop", aspect: platformAspect(m[1] ?? ""), strategy: "attention" }),
  },
  {
    on: "plain",
    pattern: new RegExp(
      `^(?:(?:crop|cropped|cut|trim|make|reframe|format)(?: it)?(?: (?:to|into|as|in))?(?: an?)? )?(${Object.keys(ASPECT_NAMES).join("|")})(?: (?:crop|format|aspect|ratio|shape|photo|picture|orientation))?$`,
    ),
    make: (m) => ops({ op: "crop", aspect: ASPECT_NAMES[m[1] ?? ""] ?? "1:1", strategy: "attention" }),
  },
  {
    on: "plain",
    pattern:
      /^(?:(crop|cropped|cut|trim|make|aspect|ratio|format|reframe|resize|resized|scale|size|width)(?: it)?(?: (?:to|at|as|into|down to|up to))?(?: an?)? )?(\d+(?:\.\d+)?) ?(:|by|x|×|\/) ?(\d+(?:\.\d+)?)(?: ?(?:px|pixels))?(?: (?:aspect|ratio|aspect ratio|crop|format))?$/,
    make: (m) => {
      const [w, h] = [Number(m[2]), Number(m[4])];
      const sizeVerb = /^(?:resize|resized|scale|size|width)$/.test(m[1] ?? "");
      // "1080x1350" is a size; "4:5", "16 by 9" and "16x9" are shapes.
      if (m[3] !== ":" && (sizeVerb || Math.max(w, h) > 64))
        return ops({ op: "resize", width: Math.round(w), height: Math.round(h) });
      return ops({ op: "crop", aspect: `${m[2]}:${m[4]}`, strategy: "attention" });
    },
  },
  {
    on: "plain",
    pattern:
      /^(?:(?:resize|resized|scale|shrink|width|make it)(?: it)?(?: (?:to|down to|up to))? (\d+)(?: ?(?:px|pixels))?(?: (?:wide|across|width|in width))?|(\d+) ?(?:px|pixels) wide)$/,
    make: (m) => ops({ op: "resize", width: Number(m[1] ?? m[2]) }),
  },

  // looks (after the adjustments, so "make it warm" is warmth and "warm look" the look)
  {
    on: "plain",
    pattern: new RegExp(
      `^(?:(?:apply|use|add|give it|go|make it|make it look)(?: like)?(?: an?| the)? )?(?:(?:look|grade|filter|style|preset|colou?r grade)(?::| of)? )?(${LOOK_WORDS})(?: (?:look|filter|grade|style|vibe|feel|tones?|colou?rs|mood|preset|photo|picture))?$`,
    ),
    make: (m) => ops({ op: "look", name: lookFor(m[1] ?? "") }),
  },

  // the subject, from the background remover (tools.cutout.model)
  {
    on: "plain",
    pattern: new RegExp(
      `^(?:(?:make|change|turn|set|replace|swap|put it on)(?: it| the| its)? )?(?:background|bg|backdrop)?(?: (?:to|with|into|for))?(?: an?| plain| solid)* ?(${Object.keys(BACKGROUND_COLOURS).join("|")})(?: (?:background|bg|backdrop))?$`,
    ),
    make: (m) =>
      ops({ op: "background", action: "colour", colour: BACKGROUND_COLOURS[m[1] ?? ""] ?? "#ffffff" }),
  },
  {
    on: "plain",
    pattern: new RegExp(
      `^(?:crop|cropped|frame|reframe|zoom)(?: it)?(?: (?:to|around|on|in on))?(?: the)? (?:subject|person|main subject|object)(?: (?:at|to|as))?(?: (${Object.keys(ASPECT_NAMES).join("|")}|\\d+(?:\\.\\d+)?:\\d+(?:\\.\\d+)?))?$`,
    ),
    make: (m) => ops({ op: "cropSubject", ...(m[1] ? { aspect: ASPECT_NAMES[m[1]] ?? m[1] } : {}) }),
  },
  fixed(ops({ op: "background", action: "remove" }), [
    "(?:remove|delete|erase|cut out|get rid of|drop|lose|take out|clear|strip)(?: the| its)? (?:background|bg|backdrop)",
    "(?:make (?:the )?background |with an? |give it an? )?(?:transparent|no) background|(?:make )?(?:the )?background transparent",
    "(?:cut out|isolate|extract)(?: the)? (?:subject|person|foreground)|background removal|cut-?out",
  ]),
  fixed({ kind: "generate" }, [
    "(?:add|put|give (?:it|him|her|them|me|us)|draw|paint|insert|place|include|stick) .+",
    "(?:remove|erase|delete|get rid of|take out|replace|swap|change) .+",
    "(?:make|turn) (?:it|me|him|her|them|us|the .+?) (?:look )?(?:like|into) .+|(?:in the style of|as an?) .+",
    ".*\\b(?:painting|painted|watercolou?r|oil paint|sketch|drawing|cartoon|anime|manga|pixar|ghibli|van gogh|comic|pencil)\\b.*",
  ]),
];
