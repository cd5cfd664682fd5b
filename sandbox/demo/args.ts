/** `npm run demo -- [--port N] [--no-prompt] [--postgres [url]]`, and the environment it reads. */
export interface DemoArgs {
  port: number;
  prompt: boolean;
  /** PostgreSQL instead of SQLite; undefined for the SQLite file. */
  databaseUrl?: string;
}

export const DEMO_USAGE = "npm run demo -- [--port <n>] [--no-prompt] [--postgres [postgres://…]]";

export function parseDemoArgs(argv: readonly string[], env: NodeJS.ProcessEnv): DemoArgs | { error: string } {
  let port = env.PORT;
  let prompt = true;
  let postgres: string | true | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--no-prompt") prompt = false;
    else if (arg === "--port" || arg.startsWith("--port=")) {
      port = arg === "--port" ? argv[++i] : arg.slice("--port=".length);
      if (port === undefined) return { error: "--port needs a number, e.g. --port 3100" };
    } else if (arg === "--postgres") {
      const next = argv[i + 1];
      postgres = next && /^postgres(ql)?:\/\//.test(next) ? (i++, next) : true;
    } else return { error: `unknown argument ${arg}: ${DEMO_USAGE}` };
  }
  const portNumber = port === undefined || port === "" ? 3000 : Number(port);
  if (!Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65_535) {
    return {
      error: `the port must be a whole number from 0 to 65535, not "${port}" (from ${env.PORT === port ? "PORT" : "--port"})`,
    };
  }
  // `--postgres` alone: GANTRY_DATABASE_URL, else a local gantry_demo database (made if missing).
  const databaseUrl =
    postgres === true
      ? (env.GANTRY_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/gantry_demo")
      : (postgres ?? env.GANTRY_DATABASE_URL);
  return { port: portNumber, prompt, ...(databaseUrl ? { databaseUrl } : {}) };
}
