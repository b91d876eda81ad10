import { PermissionFlagsBits, SlashCommandBuilder } from "discord.js";
import { PLATFORM_NAMES, TONES } from "../../core/post-state.js";
import { LOOK_NAMES } from "../../skills/edit/looks.js";

const choices = (names: readonly string[]) => names.slice(0, 25).map((n) => ({ name: n, value: n }));

/** The slash commands, as registered with Discord. `/generate` only when an image backend exists. */
export function slashCommands(options: { generate: boolean }) {
  const image = (b: SlashCommandBuilder) =>
    b.addAttachmentOption((o) => o.setName("image").setDescription("The photo").setRequired(true));
  const list = [
    image(new SlashCommandBuilder().setName("describe").setDescription("Describe a photo")),
    image(
      new SlashCommandBuilder().setName("ask").setDescription("Ask a question about a photo"),
    ).addStringOption((o) =>
      o.setName("question").setDescription("Your question").setRequired(true).setMaxLength(1000),
    ),
    image(new SlashCommandBuilder().setName("ocr").setDescription("Read the text in a photo")),
    image(
      new SlashCommandBuilder().setName("detect").setDescription("Find things in a photo and box them"),
    ).addStringOption((o) =>
      o
        .setName("what")
        .setDescription('What to find, e.g. "the dog" or "red mug"')
        .setRequired(true)
        .setMaxLength(300),
    ),
    image(
      new SlashCommandBuilder().setName("segment").setDescription("Outline things in a photo"),
    ).addStringOption((o) =>
      o.setName("what").setDescription('What to outline, e.g. "the dog"').setRequired(true).setMaxLength(300),
    ),
    image(
      new SlashCommandBuilder()
        .setName("cutout")
        .setDescription("Cut the subject out onto a transparent background"),
    ).addStringOption((o) =>
      o
        .setName("what")
        .setDescription('Only this object, e.g. "the mug" (default: the main subject)')
        .setMaxLength(300),
    ),
    image(new SlashCommandBuilder().setName("post").setDescription("Turn a photo into a social-media post"))
      .addStringOption((o) =>
        o
          .setName("platform")
          .setDescription("Where it will be posted")
          .setRequired(true)
          .addChoices(...choices(PLATFORM_NAMES)),
      )
      .addStringOption((o) =>
        o
          .setName("tone")
          .setDescription("Caption tone")
          .addChoices(...choices(TONES)),
      )
      .addIntegerOption((o) =>
        o.setName("variants").setDescription("How many captions").setMinValue(1).setMaxValue(5),
      )
      .addStringOption((o) =>
        o
          .setName("look")
          .setDescription("Colour-grade look")
          .addChoices(...choices(LOOK_NAMES)),
      ),
    image(new SlashCommandBuilder().setName("edit").setDescription("Edit a photo: looks, crop, watermark"))
      .addStringOption((o) =>
        o
          .setName("look")
          .setDescription("Colour-grade look")
          .addChoices(...choices(LOOK_NAMES)),
      )
      .addStringOption((o) => o.setName("aspect").setDescription("Crop to an aspect ratio, e.g. 4:5"))
      .addStringOption((o) =>
        o
          .setName("edits")
          .setDescription('What to change, in your words, e.g. "make it warmer and crop it square"'),
      ),
    new SlashCommandBuilder()
      .setName("autocaption")
      .setDescription("Caption every image posted in this channel")
      .setDefaultMemberPermissions(PermissionFlagsBits.ManageChannels)
      .addStringOption((o) =>
        o
          .setName("mode")
          .setDescription("on or off")
          .setRequired(true)
          .addChoices({ name: "on", value: "on" }, { name: "off", value: "off" }),
      ),
    new SlashCommandBuilder()
      .setName("scheduled")
      .setDescription("This server's scheduled posts, soonest first, with Cancel"),
    new SlashCommandBuilder()
      .setName("timezone")
      .setDescription("The time zone your scheduled times are read in")
      .addStringOption((o) =>
        o
          .setName("zone")
          .setDescription("An IANA zone, e.g. Europe/Berlin")
          .setRequired(true)
          .setMaxLength(64),
      ),
  ];
  if (options.generate)
    list.push(
      new SlashCommandBuilder()
        .setName("generate")
        .setDescription("Generate an image from a prompt")
        .addStringOption((o) =>
          o.setName("prompt").setDescription("What to make").setRequired(true).setMaxLength(1000),
        ),
    );
  return list.map((c) => c.toJSON());
}
