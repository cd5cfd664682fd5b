/** What DORA's targets read from the config. */
export interface DoraTargetsConfig {
  timezone: string;
  services: Readonly<
    Record<
      string,
      { environments: Readonly<Record<string, unknown>>; dora?: { environment?: string | undefined } | undefined }
    >
  >;
  teams: Readonly<
    Record<
      string,
      { services: readonly string[]; timezone?: string | undefined; digest: { timezone?: string | undefined } }
    >
  >;
}

/** The environment DORA measures for a service: `dora.environment`, else `production`, else the last one listed. */
export function doraEnvironment(config: DoraTargetsConfig, service: string): string | undefined {
  const svc = config.services[service];
  if (!svc) return undefined;
  const names = Object.keys(svc.environments);
  return svc.dora?.environment ?? (names.includes("production") ? "production" : names.at(-1));
}

export function teamTargets(
  config: DoraTargetsConfig,
  team: string,
  only?: string,
): { service: string; environment: string }[] {
  const services = config.teams[team]?.services ?? [];
  return services
    .filter((s) => !only || s === only)
    .map((service) => ({ service, environment: doraEnvironment(config, service)! }))
    .filter((t) => t.environment);
}

export function teamTimezone(config: DoraTargetsConfig, team: string): string {
  const t = config.teams[team];
  return t?.digest.timezone ?? t?.timezone ?? config.timezone;
}

/** The team a service belongs to (the first that lists it). */
export function teamOf(config: DoraTargetsConfig, service: string): string | undefined {
  return Object.entries(config.teams).find(([, t]) => t.services.includes(service))?.[0];
}
