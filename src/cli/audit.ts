/** `gantry audit [--since 7d] [--service <s>] [--json]`: the append-only audit log, for reviews and auditors. */
import { durationMs } from "../config/schema.js";
import type { CliCommand, CliIo } from "./types.js";
import { openStore, parseOptions } from "./options.js";

const USAGE = ["usage: gantry audit [--since <duration, e.g. 7d>] [--service <service>] [--json]   (reads GANTRY_DB)"];

export async function auditCli(args: string[], io: CliIo): Promise<number> {
  const values = parseOptions(
    args,
    { since: { type: "string" }, service: { type: "string" }, json: { type: "boolean" } },
    io,
    USAGE,
  );
  if (!values) return 2;
  const since = values.since === undefined ? undefined : String(values.since);
  if (since !== undefined && !/^\d+(m|h|d)$/.test(since)) return (USAGE.forEach((l) => io.err(l)), 2);
  const store = openStore(values, io);
  try {
    const events = await store.listAudit({
      ...(since ? { since: new Date(Date.now() - durationMs(since)).toISOString() } : {}),
      ...(values.service ? { service: String(values.service) } : {}),
    });
    for (const e of events) {
      if (values.json) io.out(JSON.stringify(e));
      else {
        const where = [e.service, e.environment].filter(Boolean).join("/");
        io.out(
          `${e.at}  ${e.actor.padEnd(12)} ${e.action.padEnd(26)} ${where}${e.deploymentId ? ` #${e.deploymentId}` : ""}  ${JSON.stringify(e.detail)}`,
        );
      }
    }
    return 0;
  } finally {
    await store.close();
  }
}

export const auditCommand: CliCommand = {
  summary: "print the audit log (--since 7d, --service, --json lines)",
  usage: USAGE,
  run: auditCli,
};
