import { describe, expect, it } from "vitest";
import { captionedByConfig, NOT_ENABLED_HERE } from "../../../src/bots/access.js";
import { homeChannel, refusal } from "../../../src/bots/discord/access.js";
import { testConfig } from "../../helpers/queue.js";

/**
 * Discord's allowlists, rule by rule: each list empty lets everyone in; a set list keeps out the
 * server, channel or role not on it, and says which, in one sentence for that member only.
 */
const GUILD = "100000000000000001";
const CHANNEL = "200000000000000001";
const ROLE = "300000000000000001";

const discord = (lists: { allowedGuilds?: string[]; allowedChannels?: string[]; allowedRoles?: string[] }) =>
  testConfig({ discord: lists });

describe("Discord allowlists", () => {
  it("with no lists set, anyone anywhere may ask", () => {
    expect(refusal(discord({}), null, CHANNEL, [])).toBeUndefined();
  });

  it("a server list keeps out other servers", () => {
    const c = discord({ allowedGuilds: [GUILD] });
    expect(refusal(c, GUILD, CHANNEL, [])).toBeUndefined();
    const out = { by: "server", message: "I'm not enabled on this server." };
    expect(refusal(c, "100000000000000002", CHANNEL, [])).toEqual(out);
  });

  it("any list keeps out direct messages, unless allowDirectMessages lets everyone DM", () => {
    const dm = {
      by: "dm",
      message: "I don't answer direct messages here. Ask me in a server channel where I'm enabled.",
    };
    for (const lists of [
      { allowedGuilds: [GUILD] },
      { allowedChannels: [CHANNEL] },
      { allowedRoles: [ROLE] },
    ]) {
      expect(refusal(discord(lists), null, "600000000000000001", [])).toEqual(dm);
      const open = testConfig({ discord: { ...lists, allowDirectMessages: true } });
      expect(refusal(open, null, "600000000000000001", [])).toBeUndefined();
    }
  });

  it("a channel list keeps out other channels", () => {
    const c = discord({ allowedChannels: [CHANNEL] });
    expect(refusal(c, GUILD, CHANNEL, [])).toBeUndefined();
    expect(refusal(c, GUILD, "200000000000000002", [])).toEqual({ by: "channel", message: NOT_ENABLED_HERE });
    expect(NOT_ENABLED_HERE).toBe("I'm not enabled in this channel.");
  });

  it("a role list lets in a member holding any one of its roles", () => {
    const c = discord({ allowedRoles: [ROLE, "300000000000000009"] });
    expect(refusal(c, GUILD, CHANNEL, ["300000000000000005", ROLE])).toBeUndefined();
    const out = {
      by: "role",
      message: "Only members with one of the roles allowed to use me can ask me here.",
    };
    expect(refusal(c, GUILD, CHANNEL, ["300000000000000005"])).toEqual(out);
    expect(refusal(c, GUILD, CHANNEL, [])).toEqual(out);
  });

  it("the server is checked before the channel, the channel before the role", () => {
    const c = discord({ allowedGuilds: [GUILD], allowedChannels: [CHANNEL], allowedRoles: [ROLE] });
    expect(refusal(c, "100000000000000002", "200000000000000002", [])?.by).toBe("server");
    expect(refusal(c, GUILD, "200000000000000002", [])?.by).toBe("channel");
    expect(refusal(c, GUILD, CHANNEL, [])?.by).toBe("role");
    expect(refusal(c, GUILD, CHANNEL, [ROLE])).toBeUndefined();
  });

  it("a thread counts as its parent channel; a thread without a known parent as itself", () => {
    const thread = (parentId: string | null) => ({ isThread: () => true, parentId });
    const channel = { isThread: () => false, parentId: "400000000000000001" };
    expect(homeChannel(thread(CHANNEL), "500000000000000001")).toBe(CHANNEL);
    expect(homeChannel(thread(null), "500000000000000001")).toBe("500000000000000001");
    expect(homeChannel(channel, CHANNEL)).toBe(CHANNEL);
    expect(homeChannel(undefined, CHANNEL)).toBe(CHANNEL);
  });
});

describe("auto-captions the configuration turns on", () => {
  it("names the setting that holds them", () => {
    expect(captionedByConfig("slack.autocaptionChannels")).toBe(
      "Auto-captions are on for this channel in the bot's configuration (slack.autocaptionChannels), so they can't be switched off here. Ask whoever runs the bot to remove the channel there.",
    );
  });
});
