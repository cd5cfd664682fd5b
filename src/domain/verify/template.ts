/**
 * Check query templates: `{{service}}`, `{{environment}}`, `{{sha}}` and `{{ref}}`, each inside a quoted PromQL string
 * (a label value), escaped for that string, and for a regular expression too after `=~` or `!~`. A ref is whatever a
 * requester typed, so no value can end its string, add a matcher or widen a regex. Placeholders outside quotes, or in
 * backtick raw strings (which have no escapes), are refused when the config is read.
 */

export const PLACEHOLDERS = ["service", "environment", "sha", "ref"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Readonly<Record<Placeholder, string>>;

type Context = { quote: '"' | "'"; regex: boolean } | { quote: "`" } | { quote: undefined };

interface Piece {
  text: string;
  placeholder?: string;
  context: Context;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/y;

/** Splits a template into literal text and placeholders, noting the string context of each placeholder. */
function pieces(template: string): Piece[] {
  const out: Piece[] = [];
  let quote: '"' | "'" | "`" | undefined;
  let regex = false;
  let literal = "";
  const context = (): Context => (quote === undefined ? { quote } : quote === "`" ? { quote } : { quote, regex });
  for (let i = 0; i < template.length; i++) {
    const ch = template[i] as string;
    PLACEHOLDER.lastIndex = i;
    const found = PLACEHOLDER.exec(template);
    if (found) {
      if (literal) out.push({ text: literal, context: context() });
      literal = "";
      out.push({ text: found[0], placeholder: found[1], context: context() });
      i += found[0].length - 1;
      continue;
    }
    literal += ch;
    if (quote === undefined) {
      if (ch === '"' || ch === "'" || ch === "`") {
        // A string after =~ or !~ is a regular expression.
        regex = /[=!]~\s*$/.test(template.slice(0, i));
        quote = ch;
      } else if (ch === "#") {
        // A comment runs to the end of the line; placeholders in it change nothing, so they are kept as text.
        const end = template.indexOf("\n", i);
        const rest = end < 0 ? template.slice(i + 1) : template.slice(i + 1, end);
        literal += rest;
        i += rest.length;
      }
    } else if (ch === "\\" && quote !== "`") {
      literal += template[i + 1] ?? "";
      i++;
    } else if (ch === quote) {
      quote = undefined;
    }
  }
  if (literal) out.push({ text: literal, context: context() });
  return out;
}

/** What is wrong with a template, in words for the config check; empty when it can be rendered. */
export function templateProblems(template: string): string[] {
  const problems: string[] = [];
  for (const p of pieces(template)) {
    if (p.placeholder === undefined) continue;
    if (!(PLACEHOLDERS as readonly string[]).includes(p.placeholder)) {
      problems.push(`unknown placeholder ${p.text}: use ${PLACEHOLDERS.map((n) => `{{${n}}}`).join(", ")}`);
    } else if (p.context.quote === undefined) {
      problems.push(
        `${p.text} must sit inside a quoted label value, such as env="{{environment}}", so that no value can change the query`,
      );
    } else if (p.context.quote === "`") {
      problems.push(`${p.text} cannot sit inside a \`raw string\`, which has no escapes: use double quotes`);
    }
  }
  return problems;
}

/** Whether the template uses a placeholder (a compareTo check needs {{environment}} to query the other side). */
export function usesPlaceholder(template: string, name: Placeholder): boolean {
  return pieces(template).some((p) => p.placeholder === name);
}

/** RE2's metacharacters, escaped so a value matches only itself. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

/** A PromQL (Go) string literal's body: backslashes, the quote and control characters escaped. */
export function escapeStringLiteral(value: string, quote: '"' | "'"): string {
  let out = "";
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (ch === "\\" || ch === quote) out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out;
}

export type Rendered = { ok: true; query: string } | { ok: false; problems: string[] };

/** The query for one environment and deploy, with each value escaped for where it stands. */
export function renderQuery(template: string, values: TemplateValues): Rendered {
  const problems = templateProblems(template);
  if (problems.length > 0) return { ok: false, problems };
  const query = pieces(template)
    .map((p) => {
      if (p.placeholder === undefined || p.context.quote === undefined || p.context.quote === "`") return p.text;
      const value = values[p.placeholder as Placeholder];
      return escapeStringLiteral(p.context.regex ? escapeRegex(value) : value, p.context.quote);
    })
    .join("");
  return { ok: true, query };
}
