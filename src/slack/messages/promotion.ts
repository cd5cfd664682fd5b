import type { PromotionRefusal } from "../../deploy/promote.js";
import { escapeMrkdwn, shortSha } from "../../domain/format.js";

const name = (text: string) => `*${escapeMrkdwn(text)}*`;

/** Why a promotion was refused, and what to type instead. */
export function promotionRefusalText(r: PromotionRefusal): string {
  switch (r.why) {
    case "unknown_target":
      return `:no_entry: ${name(r.service)} has no environment ${name(r.to)} in gantry.yml.`;
    case "no_source":
      return `${name(r.to)} has no \`promoteFrom\`; say where from: \`/promote ${escapeMrkdwn(r.service)} from <env> to ${escapeMrkdwn(r.to)}\`.`;
    case "same_environment":
      return "A promotion needs two different environments.";
    case "wrong_source":
      return (
        `:no_entry: ${name(r.to)} takes promotions only from ${name(r.promoteFrom)}, so that it runs exactly what passed there; ` +
        `not from ${name(r.from)}. Type \`/promote ${escapeMrkdwn(r.service)} to ${escapeMrkdwn(r.to)}\` to ship what passed ${name(r.promoteFrom)}.`
      );
    case "source_not_good": {
      const what = r.sha ? `\`${shortSha(r.sha)}\`` : `#${r.sourceId}`;
      return `:no_entry: ${what} never succeeded in ${name(r.from)} (or was rolled back there), so it cannot be promoted.`;
    }
    case "nothing_in_source":
      return `:no_entry: Nothing has succeeded in ${name(r.from)} yet, so there is nothing verified to promote.`;
  }
}

/** Where a promotion comes from, for the deploy message (approvers judge it by this). */
export interface PromotionSource {
  id: number;
  environment: string;
  sha: string | null;
}

export function promotionSourceLine(s: PromotionSource): string {
  return `*From:* ${name(s.environment)}, #${s.id} (\`${shortSha(s.sha)}\`): exactly what passed there.`;
}
