/**
 * The parts of Atlassian Document Format that Jira checks on write, and a plain-text view for assertions.
 * Jira rejects a description or comment that is not a well-formed document (a string, an empty text node,
 * a text node at the top level); the emulator must too, or an adapter bug would only show up against real Jira.
 */
import { isRecord } from "./http.js";

export const NOT_A_DOCUMENT = "Operation value must be an Atlassian Document (see the Atlassian Document Format)";
/** Jira's cap on a description or comment; long commit lists in a change ticket can hit it. */
export const MAX_TEXT = 32_767;
export const TOO_LONG = "The entered text is too long. It exceeds the allowed limit of 32,767 characters.";

type Node = Record<string, unknown>;

const BLOCKS = new Set([
  "paragraph",
  "heading",
  "bulletList",
  "orderedList",
  "codeBlock",
  "blockquote",
  "rule",
  "panel",
  "table",
  "mediaSingle",
  "mediaGroup",
  "expand",
  "nestedExpand",
  "taskList",
  "decisionList",
  "blockCard",
  "embedCard",
]);
const INLINES = new Set([
  "text",
  "hardBreak",
  "mention",
  "emoji",
  "inlineCard",
  "date",
  "status",
  "mediaInline",
  "placeholder",
]);
const MARKS = new Set([
  "strong",
  "em",
  "code",
  "link",
  "strike",
  "underline",
  "subsup",
  "textColor",
  "backgroundColor",
]);
/** Nodes whose children are inline content; the rest hold blocks or specific children we do not police. */
const INLINE_PARENTS = new Set(["paragraph", "heading"]);
const LIST_PARENTS = new Set(["bulletList", "orderedList"]);

/** Undefined when `doc` is a document Jira would store; otherwise where it goes wrong (for logs, not for the answer). */
export function adfProblem(doc: unknown): string | undefined {
  if (!isRecord(doc)) return "not an object";
  if (doc.type !== "doc") return `root type is ${JSON.stringify(doc.type)}, expected "doc"`;
  if (doc.version !== 1) return `version is ${JSON.stringify(doc.version)}, expected 1`;
  if (!Array.isArray(doc.content)) return "root content is not an array";
  return children(doc.content, "doc", "content");
}

function children(content: unknown[], parent: string, at: string): string | undefined {
  for (const [i, child] of content.entries()) {
    const where = `${at}[${i}]`;
    if (!isRecord(child) || typeof child.type !== "string") return `${where} is not a node`;
    const type = child.type;
    const inline = INLINE_PARENTS.has(parent);
    if (parent === "doc" && !BLOCKS.has(type)) return `${where}: ${type} cannot be at the top level`;
    if (inline && !INLINES.has(type)) return `${where}: ${type} cannot be inside ${parent}`;
    if (LIST_PARENTS.has(parent) && type !== "listItem") return `${where}: ${parent} can only hold listItem`;
    const problem = type === "text" ? textProblem(child, where) : undefined;
    if (problem) return problem;
    if (child.content !== undefined) {
      if (!Array.isArray(child.content)) return `${where}.content is not an array`;
      const nested = children(child.content, type, `${where}.content`);
      if (nested) return nested;
    }
  }
  return undefined;
}

function textProblem(node: Node, where: string): string | undefined {
  if (typeof node.text !== "string" || node.text.length === 0) return `${where}: text nodes need non-empty text`;
  if (node.marks === undefined) return undefined;
  if (!Array.isArray(node.marks)) return `${where}.marks is not an array`;
  for (const mark of node.marks) {
    if (!isRecord(mark) || typeof mark.type !== "string" || !MARKS.has(mark.type))
      return `${where}: unknown mark ${JSON.stringify(mark)}`;
    if (mark.type === "link" && !(isRecord(mark.attrs) && typeof mark.attrs.href === "string"))
      return `${where}: link mark without attrs.href`;
  }
  return undefined;
}

/** Paragraphs and blocks separated by a blank line, hard breaks as newlines, list items as "- " lines. */
export function adfToText(doc: unknown): string {
  if (!isRecord(doc) || !Array.isArray(doc.content)) return "";
  return blocksText(doc.content).join("\n\n");
}

function blocksText(content: unknown[]): string[] {
  return content.filter(isRecord).map((node) => {
    if (LIST_PARENTS.has(String(node.type))) {
      return (Array.isArray(node.content) ? node.content : [])
        .filter(isRecord)
        .map((item) => `- ${blocksText(Array.isArray(item.content) ? item.content : []).join("\n")}`)
        .join("\n");
    }
    if (INLINE_PARENTS.has(String(node.type)) || node.type === "codeBlock") return inlineText(node.content);
    return Array.isArray(node.content) ? blocksText(node.content).join("\n\n") : "";
  });
}

function inlineText(content: unknown): string {
  if (!Array.isArray(content)) return "";
  return content
    .filter(isRecord)
    .map((n) =>
      n.type === "text"
        ? String(n.text)
        : n.type === "hardBreak"
          ? "\n"
          : isRecord(n.attrs)
            ? String(n.attrs.text ?? n.attrs.url ?? "")
            : "",
    )
    .join("");
}

/** Seeds take plain text; store it the way Jira's editor would, one paragraph per blank-line-separated block. */
export function plainTextDoc(text: string): Record<string, unknown> {
  const paragraphs = text
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((p) => p.split("\n").filter((line) => line.length > 0))
    .filter((lines) => lines.length > 0)
    .map((lines) => ({
      type: "paragraph",
      content: lines.flatMap((line, i) => [...(i > 0 ? [{ type: "hardBreak" }] : []), { type: "text", text: line }]),
    }));
  return { type: "doc", version: 1, content: paragraphs };
}
