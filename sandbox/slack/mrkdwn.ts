export interface NameLookup {
  /** Display name for a user id, used for `<@U123>` mentions without a label. */
  userName?: (id: string) => string | undefined;
  channelName?: (id: string) => string | undefined;
  usergroupHandle?: (id: string) => string | undefined;
}

function splitLabel(inner: string): [string, string | undefined] {
  const bar = inner.indexOf("|");
  return bar < 0 ? [inner, undefined] : [inner.slice(0, bar), inner.slice(bar + 1)];
}

function formatDate(epochSeconds: string): string | undefined {
  const ms = Number(epochSeconds) * 1000;
  if (!Number.isFinite(ms)) return undefined;
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * Converts Slack's mrkdwn escapes to plain terminal text. Emphasis (`*bold*`, `_it_`) stays as written:
 * it reads fine in a terminal and keeps the text recognisable next to the source.
 */
export function mrkdwnToText(source: string, lookup: NameLookup = {}): string {
  const converted = source.replace(/<([^<>]+)>/g, (_whole, inner: string) => {
    const [target, label] = splitLabel(inner);
    if (target.startsWith("@")) {
      const id = target.slice(1);
      return `@${label ?? lookup.userName?.(id) ?? id}`;
    }
    if (target.startsWith("#")) {
      const id = target.slice(1);
      return `#${label ?? lookup.channelName?.(id) ?? id}`;
    }
    if (target.startsWith("!subteam^")) {
      const id = target.slice("!subteam^".length);
      const handle = label ?? lookup.usergroupHandle?.(id) ?? id;
      return handle.startsWith("@") ? handle : `@${handle}`;
    }
    if (target.startsWith("!date^")) return label ?? formatDate(target.split("^")[1] ?? "") ?? target;
    if (target.startsWith("!")) return `@${target.slice(1)}`;
    return label !== undefined && label !== target ? `${label} (${target})` : target;
  });
  return converted.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
