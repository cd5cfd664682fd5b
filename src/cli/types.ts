/** What every `gantry` subcommand is given and returns; its own module so subcommands import no dispatcher. */
export interface CliIo {
  /** Results, one line per call: safe to redirect (`gantry config schema > gantry.schema.json`). */
  out: (line: string) => void;
  /** Problems and usage help. */
  err: (line: string) => void;
  env: Readonly<Record<string, string | undefined>>;
}

export interface CliCommand {
  /** One line for `gantry help`. */
  summary: string;
  usage: string[];
  run: (args: string[], io: CliIo) => number | Promise<number>;
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
