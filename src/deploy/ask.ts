import type { Deployment } from "../domain/deployment.js";
import { launchDeploy, type LaunchPorts } from "./launch.js";
import type { Tell } from "./notifier.js";
import type { DeployRefusal } from "./refusals.js";
import { requestDeploy, type AskResult, type DeployAsk } from "./request.js";

/**
 * A deploy that was asked for: recorded, with `launch` to run once the asker has their acknowledgement; or refused,
 * with why.
 */
export type Asked =
  { ok: true; deployment: Deployment; launch: () => Promise<void> } | { ok: false; refusal: DeployRefusal };

/** The recorded deploy, launched when `launch` is called; `tell` reaches the asker if the chat will not. */
export function launchable(ports: LaunchPorts, asked: AskResult, tell?: Tell): Asked {
  if (!asked.ok) return asked;
  return { ok: true, deployment: asked.deployment, launch: () => launchDeploy(ports, asked.deployment, tell) };
}

/** Asks to deploy a ref (typed, from the form, a Retry): the rules decide, then it launches. */
export async function askToDeploy(ports: LaunchPorts, ask: DeployAsk, tell?: Tell): Promise<Asked> {
  return launchable(ports, await requestDeploy(ports, ask), tell);
}
