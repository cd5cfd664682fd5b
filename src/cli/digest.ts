/** `gantry digest --team <t> --dry-run [--at <ISO>]`: the weekly digest's Block Kit JSON, without posting it. */
import { digestData, digestMessage } from "../digest/digest-message.js";
import { loadDoraInput } from "../digest/dora-input.js";
import { teamTimezone } from "../domain/dora/targets.js";
import { weekWindow } from "../domain/dora/time.js";
import { githubWebBase } from "../github/web-url.js";
import type { CliCommand, CliIo } from "./types.js";
import { openWorkspace, parseOptions } from "./options.js";

const USAGE = [
  "usage: gantry digest --team <team> --dry-run [--at <ISO time>]   print last week's digest as Block Kit JSON",
];

export async function digestCli(args: string[], io: CliIo): Promise<number> {
  const values = parseOptions(
    args,
    { team: { type: "string" }, "dry-run": { type: "boolean" }, at: { type: "string" } },
    io,
    USAGE,
  );
  if (!values) return 2;
  const team = values.team as string | undefined;
  if (!team || !values["dry-run"]) {
    io.err("gantry digest: give --team and --dry-run (digests are posted by the running bot, on schedule)");
    return 2;
  }
  const { config, store } = openWorkspace(values, io);
  try {
    if (!config.teams[team]) return (io.err(`gantry digest: unknown team \`${team}\``), 1);
    const now = values.at ? new Date(String(values.at)) : new Date();
    const window = weekWindow(now, teamTimezone(config, team), 1);
    const data = digestData(await loadDoraInput({ config, store }, team, window));
    const message = digestMessage(
      team,
      data,
      (s) =>
        config.services[s] &&
        `${githubWebBase(io.env.GITHUB_API_URL ?? "https://api.github.com")}/${config.services[s]!.repo}`,
      teamTimezone(config, team),
    );
    io.out(JSON.stringify({ channel: config.teams[team]!.channel, ...message }, null, 2));
    return 0;
  } finally {
    await store.close();
  }
}

export const digestCommand: CliCommand = {
  summary: "print a team's weekly digest as Block Kit JSON (--dry-run)",
  usage: USAGE,
  run: digestCli,
};
