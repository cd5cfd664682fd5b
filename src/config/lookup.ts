import type { Environment, GantryConfig, Service } from "./schema.js";

/**
 * Config maps are indexed with names that people type and Slack payloads carry. Only the map's own keys count:
 * `constructor` or `__proto__` must find nothing, not Object's prototype.
 */
export function own<T>(map: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

export function serviceNamed(config: Pick<GantryConfig, "services">, name: string): Service | undefined {
  return own(config.services, name);
}

/** The environment `environment` of service `service`, when both are configured. */
export function environmentOf(
  config: Pick<GantryConfig, "services">,
  service: string,
  environment: string,
): Environment | undefined {
  const svc = serviceNamed(config, service);
  return svc && own(svc.environments, environment);
}
