/**
 * Slack shows a modal's field errors as plain text, so Gantry's mrkdwn answers are flattened for them:
 * no emoji codes, bold or code marks; mentions, dates and links become their readable part. At most `max` characters.
 */
export function mrkdwnToPlain(text: string, max = 300): string {
  const plain = text
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, "$1")
    .replace(/<@([A-Z0-9]+)>/g, "@$1")
    .replace(/<[^|>]+\|([^>]*)>/g, "$1")
    .replace(/<([^>]+)>/g, "$1")
    .replace(/:[a-z0-9_+-]+:\s*/g, "")
    .replace(/[*`]/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}
