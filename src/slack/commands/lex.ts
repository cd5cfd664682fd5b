/** Words of a slash command as people type them in Slack: quotes, smart quotes and autocorrected dashes. */
/** `quoted` is true when the word began with a quote, so a quoted `"to"` is not the keyword. */
export type Token = { value: string; quoted: boolean };

// Straight quotes plus the curly ones Slack clients (and macOS autocorrect) send.
const QUOTES = new Set(['"', "\u201c", "\u201d", "\u201e", "\u201f"]);
// Autocorrect turns a typed `--` into an en or em dash.
const DASHES = /^[\u2013\u2014]/;

export function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let current: Token | undefined;
  let inQuotes = false;
  for (const ch of text) {
    if (QUOTES.has(ch)) {
      current ??= { value: "", quoted: true };
      inQuotes = !inQuotes;
    } else if (!inQuotes && /\s/.test(ch)) {
      if (current) tokens.push(current);
      current = undefined;
    } else {
      current ??= { value: "", quoted: false };
      current.value += ch;
    }
  }
  // An unclosed quote runs to the end of the text: the intent is clear enough.
  if (current) tokens.push(current);
  return tokens.map((t) => (t.quoted ? t : { value: t.value.replace(DASHES, "--"), quoted: false }));
}

/** Splits on whitespace, keeping "double quoted" and “smart quoted” strings as one word each. */
export function tokenize(text: string): string[] {
  return lex(text).map((t) => t.value);
}

const MAX_ECHO = 60;

/** Echoes user text as inline code, shortened, and without backticks that would end the span. */
export function code(text: string): string {
  const short = text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text;
  return `\`${short.replace(/`/g, "'")}\``;
}

export const codeList = (items: readonly string[]): string => items.map(code).join(", ");
