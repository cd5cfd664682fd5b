import { breakGlassApprovers } from "../domain/approval.js";
import { activeFreeze } from "../domain/freeze.js";
import type { DeployKind, Lock } from "../domain/deployment.js";
import { envOf } from "../config/lookup.js";
import type { Ports } from "./ports.js";
import type { GateRefusal } from "./refusals.js";

export interface GateResult {
  refusal?: GateRefusal;
  breakGlass: boolean;
}

const refuse = (refusal: GateRefusal): GateResult => ({ refusal, breakGlass: false });

export interface GateInput {
  service: string;
  environment: string;
  requester: string;
  kind: DeployKind;
  forceReason?: string | null;
}

/**
 * The rules that keep deploys out: promotion-only environments, locks and freeze windows.
 * Returns why the deploy is kept out, if it is, and whether it breaks glass (forced through a freeze).
 * Rollbacks pass locks and freezes: restoring service comes first.
 */
export async function checkGates(ports: Pick<Ports, "config" | "store" | "clock">, g: GateInput): Promise<GateResult> {
  const now = ports.clock.now();
  // A promotion-only environment refuses before its lock matters.
  const lock = promotionOnly(ports, g) ? undefined : await ports.store.getLock(g.service, g.environment);
  return gatesGiven(ports, g, lock, now);
}

const promotionOnly = (ports: Pick<Ports, "config">, g: GateInput): boolean =>
  g.kind === "deploy" && Boolean(envOf(ports.config, g)!.promoteFrom);

/** checkGates, given the target's lock (undefined: none) and the time. */
export function gatesGiven(ports: Pick<Ports, "config">, g: GateInput, lock: Lock | undefined, now: Date): GateResult {
  const env = envOf(ports.config, g)!;
  const where = { service: g.service, environment: g.environment };
  if (g.kind === "deploy" && env.promoteFrom)
    return refuse({ refused: "promotion_only", ...where, promoteFrom: env.promoteFrom });
  if (lock && Date.parse(lock.expiresAt) > now.getTime() && lock.holder !== g.requester && g.kind !== "rollback")
    return refuse({ refused: "locked", ...where, lock });
  if (g.kind === "rollback") return { breakGlass: false };
  const freeze = activeFreeze(env.freeze, now, ports.config.timezone);
  if (!freeze) return { breakGlass: false };
  if (!g.forceReason) return refuse({ refused: "frozen", environment: g.environment, freeze });
  if (!breakGlassApprovers(env, ports.config)) return refuse({ refused: "no_break_glass", environment: g.environment });
  return { breakGlass: true };
}
