/**
 * Plain text -> Atlassian Document Format, which Jira's v3 API requires for descriptions and comments.
 * Blank lines separate paragraphs, single newlines become hard breaks, and http(s) URLs become links so the
 * Slack and GitHub links Gantry writes are clickable. Jira rejects empty text nodes, so none are made.
 */

// Type aliases rather than interfaces: jira.js 6 types documents as open records, which only aliases satisfy.
export type AdfMark = {
  type: string;
  attrs?: Record<string, unknown>;
};

export type AdfNode = {
  type: string;
  text?: string;
  marks?: AdfMark[];
  content?: AdfNode[];
};

export type AdfDoc = {
  type: "doc";
  version: 1;
  content: AdfNode[];
};

/** Jira rejects descriptions and comments over 32,767 characters; leave room for the note that says we cut. */
const MAX_TEXT = 32_000;
const CUT_NOTE = "\n\n… (cut to fit Jira's size limit)";

const URL_PATTERN = /https?:\/\/[^\s<>"]+/g;
/** Sentence punctuation right after a URL belongs to the sentence, not the URL. */
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/;

export function textToAdf(text: string): AdfDoc {
  const normalized = text.replace(/\r\n?/g, "\n");
  // A long commit list must not turn into a 400 that blocks the deploy behind the change ticket.
  const fitted = normalized.length > MAX_TEXT ? normalized.slice(0, MAX_TEXT - CUT_NOTE.length) + CUT_NOTE : normalized;
  const paragraphs = fitted
    .split(/\n[ \t]*\n/)
    .map((block) =>
      block
        .split("\n")
        .map((line) => line.trimEnd())
        .filter((line) => line.trim() !== ""),
    )
    .filter((lines) => lines.length > 0)
    .map((lines) => ({
      type: "paragraph",
      content: lines.flatMap((line, i) => [...(i > 0 ? [{ type: "hardBreak" }] : []), ...inline(line)]),
    }));
  return { type: "doc", version: 1, content: paragraphs };
}

function inline(line: string): AdfNode[] {
  const nodes: AdfNode[] = [];
  let at = 0;
  for (const match of line.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, "");
    const start = match.index;
    if (start > at) nodes.push({ type: "text", text: line.slice(at, start) });
    nodes.push({ type: "text", text: url, marks: [{ type: "link", attrs: { href: url } }] });
    at = start + url.length;
  }
  if (at < line.length) nodes.push({ type: "text", text: line.slice(at) });
  return nodes;
}
