import { approvalPolicy, type ApprovalPolicy } from "../domain/approval.js";
import type { DeployKind } from "../domain/deployment.js";
import { groupHandles } from "../domain/policy.js";
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

/** The service a deploy (or anything naming one) belongs to. */
export function serviceOf(config: Pick<GantryConfig, "services">, d: { service: string }): Service | undefined {
  return serviceNamed(config, d.service);
}

/** The environment a deploy (or anything naming a service and an environment) goes to. */
export function envOf(
  config: Pick<GantryConfig, "services">,
  d: { service: string; environment: string },
): Environment | undefined {
  return environmentOf(config, d.service, d.environment);
}

/** The approval rule that holds for a deploy where it goes, or undefined when it may start at once. */
export function approvalPolicyOf(
  config: GantryConfig,
  d: { service: string; environment: string; kind: DeployKind; forceReason: string | null },
): ApprovalPolicy | undefined {
  const env = envOf(config, d);
  return env && approvalPolicy(d, env, config);
}

/** The user group handles (without `@`) the config names as deployers or approvers anywhere, each once. */
export function groupsNamed(config: GantryConfig): string[] {
  const lists = Object.values(config.services).flatMap((s) =>
    Object.values(s.environments).flatMap((e) => [
      e.deployers ?? [],
      e.approvals?.approvers ?? [],
      e.breakGlass?.approvers ?? [],
    ]),
  );
  if (config.breakGlass) lists.push(config.breakGlass.approvers);
  return [...new Set(groupHandles(lists.flat()))];
}
