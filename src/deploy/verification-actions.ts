import type { DeployState } from "../domain/deploy-state.js";
import type { LaunchPorts } from "./launch.js";
import type { Tell } from "./notifier.js";
import type { DeployRefusal } from "./refusals.js";

/** How an Accept now or Roll back now click on a verifying deploy ended, with what the words need. */
export type VerificationActionResult =
  | { done: "accepted"; id: number }
  | { done: "rolling_back"; id: number; rollbackId: number }
  /** The deploy ended as failed by the person's call, but the rollback itself was refused. */
  | { done: "failed_without_rollback"; id: number; refusal: DeployRefusal }
  | { refused: "not_verifying"; id: number; state?: DeployState }
  | { refused: "not_deployer"; id: number; service: string; environment: string; deployers: string[] };

/** Accept now: a person who may deploy there ends the bake early and the deploy succeeds, marked accepted. */
export async function acceptNow(_ports: LaunchPorts, _id: number, _user: string): Promise<VerificationActionResult> {
  throw new Error("acceptNow: being built (issue 16)");
}

/** Roll back now: a person who may deploy there fails the deploy at once and rolls back to the last good deploy. */
export async function rollBackNow(
  _ports: LaunchPorts,
  _id: number,
  _user: string,
  _tell?: Tell,
): Promise<VerificationActionResult> {
  throw new Error("rollBackNow: being built (issue 16)");
}
