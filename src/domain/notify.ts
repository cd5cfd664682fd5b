/**
 * Notice routing: which of a team's rules a notice matches and where it goes. Pure: plain rules in, targets out;
 * user groups and DMs are the Slack adapter's business.
 */
export const NOTICE_EVENTS = ["deploy", "outside", "verification", "digest"] as const;
export type NoticeEvent = (typeof NOTICE_EVENTS)[number];

export interface NoticeRule {
  events?: readonly NoticeEvent[] | undefined;
  services?: readonly string[] | undefined;
  environments?: readonly string[] | undefined;
  states?: readonly string[] | undefined;
  to: readonly string[];
}

export interface Notice {
  event: NoticeEvent;
  service?: string;
  environment?: string;
  state?: string;
  /** Who asked (Gantry's own deploys): what `requester` stands for. */
  requester?: string;
}

export interface NoticeRoute {
  /** Indexes of the rules that matched, in order. */
  matched: number[];
  /** Each channel once, whatever the number of rules naming it. */
  channels: string[];
  /** Users to send a direct message to, each once (`requester` resolved). */
  users: string[];
  /** User group handles, whose members get a direct message. */
  groups: string[];
  /** No rule matched: the team's default applies (its channel, for outside deploys and digests). */
  fallback: boolean;
  /** A matching rule sends to nobody (`to: []`): the notice is silenced, whatever else matched. */
  quiet: boolean;
}

const matches = (list: readonly string[] | undefined, value: string | undefined): boolean =>
  !list || list.length === 0 || (value !== undefined && list.includes(value));

export function ruleMatches(rule: NoticeRule, n: Notice): boolean {
  return (
    matches(rule.events, n.event) &&
    matches(rule.services, n.service) &&
    matches(rule.environments, n.environment) &&
    matches(rule.states, n.state)
  );
}

/**
 * Every matching rule adds its targets, each channel and person once; a matching rule with no targets silences the
 * notice; no matching rule leaves the default.
 */
export function routeNotice(rules: readonly NoticeRule[], n: Notice): NoticeRoute {
  const matched = rules.flatMap((r, i) => (ruleMatches(r, n) ? [i] : []));
  if (matched.some((i) => rules[i]!.to.length === 0))
    return { matched, channels: [], users: [], groups: [], fallback: false, quiet: true };
  const channels = new Set<string>();
  const users = new Set<string>();
  const groups = new Set<string>();
  for (const i of matched) {
    for (const to of rules[i]!.to) {
      if (to === "requester") {
        if (n.requester) users.add(n.requester);
      } else if (to.startsWith("@")) groups.add(to);
      else if (/^[UW]/.test(to)) users.add(to);
      else channels.add(to);
    }
  }
  return {
    matched,
    channels: [...channels],
    users: [...users],
    groups: [...groups],
    fallback: matched.length === 0,
    quiet: false,
  };
}
