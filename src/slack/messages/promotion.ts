import type { PromotionRefusal } from "../../deploy/refusals.js";
import type { PromotionSource } from "../../deploy/view.js";
import { shortSha } from "../../domain/format.js";
import { bold, code, mrkdwn, when, type SlackText } from "../mrkdwn.js";

/** Why a promotion was refused, and what to type instead. */
export function promotionRefusalText(r: PromotionRefusal): SlackText {
  switch (r.why) {
    case "unknown_target":
      return mrkdwn`:no_entry: ${bold(r.service)} has no environment ${bold(r.to)} in gantry.yml.`;
    case "no_source":
      return mrkdwn`${bold(r.to)} has no \`promoteFrom\`; say where from: ${code(`/promote ${r.service} from <env> to ${r.to}`)}.`;
    case "same_environment":
      return mrkdwn`A promotion needs two different environments.`;
    case "wrong_source":
      return mrkdwn`:no_entry: ${bold(r.to)} takes promotions only from ${bold(r.promoteFrom)}, so that it runs exactly what passed there; not from ${bold(r.from)}. Type ${code(`/promote ${r.service} to ${r.to}`)} to ship what passed ${bold(r.promoteFrom)}.`;
    case "source_not_good": {
      const what = r.sha ? code(shortSha(r.sha)) : mrkdwn`#${r.sourceId}`;
      return mrkdwn`:no_entry: ${what} never succeeded in ${bold(r.from)} (or was rolled back there), so it cannot be promoted.`;
    }
    case "not_verified":
      return mrkdwn`:no_entry: #${r.sourceId} was not verified on live metrics in ${bold(r.from)}, and this environment takes only verified deploys (\`requireVerified\`). Deploy it to ${bold(r.from)} again and let it bake until it is verified (or someone who may deploy there presses *Accept now*), then promote it: the same ${code("/promote")} again, or the *Promote* button on its message.`;
    case "baking":
      return mrkdwn`:hourglass: #${r.sourceId} has not baked in ${bold(r.from)} for ${r.minBake} yet (\`minBake\`): it may come here from ${when(r.allowedAt)}. Then type the same ${code("/promote")} again, or press the *Promote* button on its message.`;
    case "nothing_in_source":
      return mrkdwn`:no_entry: Nothing has succeeded in ${bold(r.from)} yet, so there is nothing verified to promote.`;
  }
}

export function promotionSourceLine(s: PromotionSource): SlackText {
  return mrkdwn`*From:* ${bold(s.environment)}, #${s.id} (${code(shortSha(s.sha))}): exactly what passed there.`;
}
