import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * The Slack manifest against the code, by Slack's rules we can check offline: every event the code
 * handles is subscribed with the scope it needs, every Web API method it calls is covered by a
 * scope, every slash command and shortcut it registers is declared, and people can DM the app.
 */
interface Manifest {
  features: {
    app_home?: {
      home_tab_enabled?: boolean;
      messages_tab_enabled?: boolean;
      messages_tab_read_only_enabled?: boolean;
    };
    slash_commands: { command: string }[];
    shortcuts: { callback_id: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] } };
}

const manifest = parse(readFileSync("config/slack-app-manifest.yaml", "utf8")) as Manifest;
const scopes = new Set(manifest.oauth_config.scopes.bot);
const events = new Set(manifest.settings.event_subscriptions.bot_events);
const dir = "src/bots/slack";
// Whitespace folded, so a call split over lines (`client.reactions\n.add(`) reads as one.
const code = readdirSync(dir)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => readFileSync(join(dir, f), "utf8"))
  .join("\n")
  .replace(/\s*\.\s*/g, ".");

/** The scopes each Web API method needs (any one of them where a list says "or"), from api.slack.com/methods. */
const METHOD_SCOPES: Record<string, string[]> = {
  "chat.postMessage": ["chat:write"],
  "chat.update": ["chat:write"],
  "chat.delete": ["chat:write"],
  "chat.postEphemeral": ["chat:write"],
  "reactions.add": ["reactions:write"],
  "reactions.remove": ["reactions:write"],
  // The bot reads history in public and private channels, DMs and group DMs alike.
  "conversations.history": ["channels:history", "groups:history", "im:history", "mpim:history"],
  "conversations.replies": ["channels:history", "groups:history", "im:history", "mpim:history"],
  "users.info": ["users:read"],
  "files.info": ["files:read"],
  filesUploadV2: ["files:write"],
  "views.publish": [],
  // A modal needs no scope, only the trigger_id of the click that opens it.
  "views.open": [],
  "auth.test": [],
};

/** The scope each event subscription needs. */
const EVENT_SCOPES: Record<string, string | undefined> = {
  app_mention: "app_mentions:read",
  "message.channels": "channels:history",
  "message.groups": "groups:history",
  "message.im": "im:history",
  "message.mpim": "mpim:history",
  app_home_opened: undefined,
};

describe("config/slack-app-manifest.yaml", () => {
  it("has the Messages tab on and writable (people can DM the bot) and the Home tab on", () => {
    expect(manifest.features.app_home).toEqual({
      home_tab_enabled: true,
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: false,
    });
  });

  it("subscribes every event the code handles, each with its scope", () => {
    const handled = [...code.matchAll(/app\.event\("([\w.]+)"/g)].map((m) => m[1] as string);
    expect(handled.length).toBeGreaterThan(0);
    // app.message handles channels, private channels, DMs and group DMs (it branches on channel_type).
    if (code.includes("app.message("))
      handled.push("message.channels", "message.groups", "message.im", "message.mpim");
    for (const e of handled) {
      expect(events, `event ${e}`).toContain(e);
      expect(e in EVENT_SCOPES, `add ${e} to EVENT_SCOPES`).toBe(true);
      const scope = EVENT_SCOPES[e];
      if (scope) expect(scopes, `scope for ${e}`).toContain(scope);
    }
  });

  it("has a scope for every Web API method the code calls", () => {
    const called = new Set([
      ...[
        ...code.matchAll(
          /(?:client|partial|\))\.(chat|files|reactions|conversations|users|views|auth|team|bots|pins)\.(\w+)\(/g,
        ),
      ].map((m) => `${m[1]}.${m[2]}`),
      ...(code.includes(".filesUploadV2(") ? ["filesUploadV2"] : []),
    ]);
    expect(called).toContain("chat.postMessage");
    for (const method of called) {
      const needs = METHOD_SCOPES[method];
      expect(needs, `add ${method} to METHOD_SCOPES`).toBeDefined();
      for (const s of needs ?? []) expect(scopes, `${method} needs ${s}`).toContain(s);
    }
  });

  it("declares every slash command and shortcut the code registers", () => {
    const slash = /const SLASH = \[([^\]]+)\]/.exec(code)?.[1] ?? "";
    const registered = [
      ...[...slash.matchAll(/"(\w+)"/g)].map((m) => `/${m[1]}`),
      ...[...code.matchAll(/app\.command\("(\/[\w-]+)"/g)].map((m) => m[1] as string),
    ];
    expect(registered).toContain("/describe");
    const declared = manifest.features.slash_commands.map((c) => c.command);
    for (const c of registered) expect(declared, c).toContain(c);
    expect(scopes).toContain("commands");
    const shortcuts = [...code.matchAll(/\["(\w+)", "\w+", "[^"]+"\]/g)].map((m) => m[1]);
    expect(shortcuts).toContain("describe_image");
    for (const id of shortcuts) expect(manifest.features.shortcuts.map((s) => s.callback_id)).toContain(id);
  });
});
