import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMMANDS } from "../../commands/index.js";

interface Manifest {
  features: { slash_commands: { command: string; url: string }[]; app_home: { home_tab_enabled: boolean } };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { bot_events: string[] };
    interactivity: { is_enabled: boolean };
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

  it("asks only for the bot scopes the code uses", () => {
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(["chat:write", "commands", "files:write", "usergroups:read"]);
  });
});
