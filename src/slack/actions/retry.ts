import { rollBack } from "../commands/rollback.js";
import { requestPromotion } from "../../deploy/promote.js";
import { requestDeploy } from "../../deploy/request.js";
import { checkRetry } from "../../deploy/retry.js";
import { BUTTON_REFUSALS } from "../messages/button-refusals.js";
import { ACTIONS } from "../messages/deploy-buttons.js";
import { retryRefusalText } from "../messages/retry.js";
import { asClick, clicker, deployOf, launched } from "./deploy-again.js";
import { say, type ButtonAction } from "./types.js";

/**
 * Retry: asks again for what a deploy that never reached GitHub asked for, as a new request by whoever clicked,
 * through the same plan and policy as the typed command. Anything else is refused with why.
 */
export const retryAction: ButtonAction = {
  actionId: ACTIONS.retry,
  async handle(ports, input) {
    const d = await deployOf(ports, input);
    if (!d) return say(BUTTON_REFUSALS.noSuchDeploy);
    const refusal = await checkRetry(ports, d);
    if (refusal) {
      await ports.store.audit({
        actor: input.user,
        action: "retry.refused",
        deploymentId: d.id,
        service: d.service,
        environment: d.environment,
        detail: { ...refusal },
        at: ports.clock.now().toISOString(),
      });
      return say(retryRefusalText(d, refusal));
    }
    const channel = d.slackChannel ?? input.channel ?? "";
    const where = { service: d.service, requester: input.user, channel };
    if (d.kind === "rollback") {
      return asClick(
        await rollBack(
          ports,
          { ...where, environment: d.environment },
          d.sourceId ? { by: "id", id: d.sourceId } : { by: "default" },
          clicker(ports, input),
        ),
      );
    }
    if (d.kind === "promote") {
      const source = d.sourceId ? await ports.store.getDeployment(d.sourceId) : undefined;
      const from = source ? { from: source.environment, sourceId: source.id } : {};
      return launched(ports, await requestPromotion(ports, { ...where, to: d.environment, ...from }), input);
    }
    return launched(
      ports,
      await requestDeploy(ports, {
        ...where,
        environment: d.environment,
        ...(d.ref ? { ref: d.ref } : {}),
        kind: "deploy",
        ...(d.forceReason ? { forceReason: d.forceReason } : {}),
        hotfix: d.hotfix,
      }),
      input,
    );
  },
};
