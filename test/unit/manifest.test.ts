import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMMANDS } from "../../src/slack/commands/index.js";

interface Manifest {
  features: {
    slash_commands: { command: string; url: string }[];
    app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean; messages_tab_read_only_enabled: boolean };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string; message_menu_options_url?: string };
    socket_mode_enabled: boolean;
  };
}

const manifest = parse(readFileSync("manifest.yml", "utf8")) as Manifest;

describe("manifest.yml", () => {
  it("declares exactly the slash commands Gantry registers", () => {
    const declared = manifest.features.slash_commands.map((c) => c.command).sort();
    expect(declared).toEqual(COMMANDS.map((c) => c.name).sort());
    for (const c of manifest.features.slash_commands) expect(c.url).toMatch(/\/slack\/events$/);
  });

  it("turns on interactivity, the App Home event and has a Socket Mode setting", () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toContain("app_home_opened");
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(typeof manifest.settings.socket_mode_enabled).toBe("boolean");
  });

  it("serves the forms' suggestions and shows Gantry's direct messages read-only", () => {
    // external_select options (the deploy form's refs) are requested from the options load URL.
    expect(manifest.settings.interactivity.message_menu_options_url).toBe(manifest.settings.interactivity.request_url);
    expect(manifest.settings.interactivity.request_url).toMatch(/\/slack\/events$/);
    // Answers to clicks on the App Home board arrive as direct messages, so the Messages tab must be there.
    expect(manifest.features.app_home).toEqual({
      home_tab_enabled: true,
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: true,
    });
  });

  it("asks only for the bot scopes the code uses", () => {
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual([
      "chat:write",
      "commands",
      "files:write",
      "usergroups:read",
    ]);
  });
});
