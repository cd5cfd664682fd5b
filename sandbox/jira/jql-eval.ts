/**
 * Evaluates parsed JQL against the emulated issues. Faithful where it matters for reports: unknown fields, values and
 * functions are errors, and `!=` / `NOT IN` never match an empty value (a classic Jira surprise).
 */
import { JqlError, parseJql, type Clause, type Expr, type Op, type SortKey } from "./jql-parse.js";
import { customText, dateOperand, textOperand } from "./jql-values.js";
import type { JiraStore } from "./store.js";
import type { IssueRecord } from "./types.js";

export interface CompiledJql {
  bounded: boolean;
  matches: (issue: IssueRecord) => boolean;
  compare: (a: IssueRecord, b: IssueRecord) => number;
}

interface EqualityField {
  values: (i: IssueRecord) => string[];
  /** Canonical lowercased value; "" stands for "no value" (resolution = Unresolved). */
  resolve: (value: string) => string;
}

const DATES: Record<string, (i: IssueRecord) => string | null> = {
  created: (i) => i.created,
  createddate: (i) => i.created,
  updated: (i) => i.updated,
  updateddate: (i) => i.updated,
  resolved: (i) => i.resolutiondate,
  resolutiondate: (i) => i.resolutiondate,
  statuscategorychangeddate: (i) => i.statusCategoryChanged,
};

const TEXTS: Record<string, (i: IssueRecord) => string> = {
  summary: (i) => i.summary,
  description: (i) => i.descriptionText,
  comment: (i) => i.comments.map((c) => c.text).join("\n"),
  text: (i) => [i.summary, i.descriptionText, ...i.comments.map((c) => c.text)].join("\n"),
};

const CATEGORY_NAMES: Record<string, string> = {
  "to do": "new",
  new: "new",
  "2": "new",
  "in progress": "indeterminate",
  indeterminate: "indeterminate",
  "4": "indeterminate",
  done: "done",
  complete: "done",
  "3": "done",
};

export function compileJql(jql: string, store: JiraStore, now: Date): CompiledJql {
  const query = parseJql(jql);
  const where = query.where;
  const predicate = where ? compileExpr(where, store, now) : () => true;
  return { bounded: where !== undefined, matches: predicate, compare: comparator(query.orderBy) };
}

function compileExpr(e: Expr, store: JiraStore, now: Date): (i: IssueRecord) => boolean {
  if (e.kind === "clause") return compileClause(e, store, now);
  if (e.kind === "and" || e.kind === "or") {
    const l = compileExpr(e.left, store, now);
    const r = compileExpr(e.right, store, now);
    return e.kind === "and" ? (i) => l(i) && r(i) : (i) => l(i) || r(i);
  }
  if (e.kind === "not") {
    const inner = compileExpr(e.expr, store, now);
    return (i) => !inner(i);
  }
  throw new Error("unreachable JQL node");
}

function unsupported(op: Op, field: string): JqlError {
  return new JqlError(`The operator '${op.toUpperCase()}' is not supported by the '${field}' field.`);
}

function compileClause(c: Clause, store: JiraStore, now: Date): (i: IssueRecord) => boolean {
  const name = c.field.toLowerCase();
  const date = DATES[name];
  if (date) {
    if (c.op === "is" || c.op === "is not") return (i) => (date(i) === null) === (c.op === "is");
    if (c.op === "~" || c.op === "!~") throw unsupported(c.op, c.field);
    const targets = c.operands.map((o) => dateOperand(o, c.field, now));
    const t = targets[0] ?? 0;
    const test: Record<string, (v: number) => boolean> = {
      "=": (v) => v === t,
      "!=": (v) => v !== t,
      ">": (v) => v > t,
      ">=": (v) => v >= t,
      "<": (v) => v < t,
      "<=": (v) => v <= t,
      in: (v) => targets.includes(v),
      "not in": (v) => !targets.includes(v),
    };
    const fn = test[c.op] ?? (() => false);
    return (i) => {
      const v = date(i);
      return v !== null && fn(Date.parse(v));
    };
  }
  const text = TEXTS[name];
  if (text) {
    if (c.op !== "~" && c.op !== "!~") throw unsupported(c.op, c.field);
    const terms = textOperand(c.operands[0] ?? { kind: "empty", pos: 0 })
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean);
    const hit = (i: IssueRecord): boolean => terms.every((term) => text(i).toLowerCase().includes(term));
    return c.op === "~" ? hit : (i) => !hit(i);
  }
  const field = equalityField(c.field, store);
  if (c.op === "is" || c.op === "is not") return (i) => (field.values(i).length === 0) === (c.op === "is");
  if (!["=", "!=", "in", "not in"].includes(c.op)) throw unsupported(c.op, c.field);
  const wanted = new Set(c.operands.map((o) => field.resolve(textOperand(o))));
  const any = (i: IssueRecord): boolean => {
    const vals = field.values(i);
    return vals.length === 0 ? wanted.has("") : vals.some((v) => wanted.has(v));
  };
  if (c.op === "=" || c.op === "in") return any;
  return (i) => field.values(i).length > 0 && !any(i);
}

function equalityField(field: string, store: JiraStore): EqualityField {
  const name = field.toLowerCase();
  const missing = (value: string): never => {
    throw new JqlError(`The value '${value}' does not exist for the field '${field}'.`);
  };
  const lower = (s: string): string => s.toLowerCase();
  switch (name) {
    case "project":
      return {
        values: (i) => [lower(i.project)],
        resolve: (v) =>
          lower(
            (store.project(v) ?? [...store.projects.values()].find((p) => lower(p.name) === lower(v)) ?? missing(v))
              .key,
          ),
      };
    case "issuetype":
    case "type":
      return {
        values: (i) => [lower(i.issueType)],
        resolve: (v) =>
          lower(store.issueTypeNames().find((t) => lower(t) === lower(v) || store.issueTypeId(t) === v) ?? missing(v)),
      };
    case "status":
      return {
        values: (i) => [lower(i.status)],
        resolve: (v) => lower((store.status(v) ?? store.allStatuses().find((s) => s.id === v) ?? missing(v)).name),
      };
    case "statuscategory":
      return {
        values: (i) => [store.status(i.status)?.category ?? ""],
        resolve: (v) => CATEGORY_NAMES[lower(v)] ?? missing(v),
      };
    case "labels":
      return { values: (i) => i.labels.map(lower), resolve: lower };
    case "component":
      return {
        values: (i) => i.components.map(lower),
        resolve: (v) => (store.componentExists(v) ? lower(v) : missing(v)),
      };
    case "resolution":
      return {
        values: (i) => (i.resolution ? [lower(i.resolution)] : []),
        resolve: (v) => (lower(v) === "unresolved" ? "" : lower(v) === "done" ? "done" : missing(v)),
      };
    case "key":
    case "issuekey":
    case "id":
      return {
        values: (i) => [i.id],
        resolve: (v) => {
          const issue = store.find(v);
          if (!issue) throw new JqlError(`An issue with key '${v}' does not exist for field '${field}'.`);
          return issue.id;
        },
      };
  }
  const custom = /^(?:customfield_|cf\[)(\d+)\]?$/i.exec(field);
  const id = custom ? `customfield_${custom[1]}` : undefined;
  if (!id || !store.issues.some((i) => id in i.customFields)) {
    throw new JqlError(`Field '${field}' does not exist or you do not have permission to view it.`);
  }
  return { values: (i) => customText(i.customFields[id]).map(lower), resolve: lower };
}

const SORTS: Record<string, (i: IssueRecord) => string | number | null> = {
  ...Object.fromEntries(
    Object.entries(DATES).map(([k, get]) => [
      k,
      (i: IssueRecord) => (get(i) === null ? null : Date.parse(get(i) ?? "")),
    ]),
  ),
  key: (i) => i.key,
  issuekey: (i) => i.key,
  id: (i) => Number(i.id),
  summary: (i) => i.summary.toLowerCase(),
  status: (i) => i.status.toLowerCase(),
  project: (i) => i.project,
  issuetype: (i) => i.issueType.toLowerCase(),
  type: (i) => i.issueType.toLowerCase(),
};

/** Keys sort by project, then number; empty values go last; ties fall back to id so pages are stable. */
function comparator(orderBy: SortKey[]): (a: IssueRecord, b: IssueRecord) => number {
  const keys = orderBy.map((k) => {
    const get = SORTS[k.field.toLowerCase()];
    if (!get) throw new JqlError(`Field '${k.field}' does not exist or you do not have permission to view it.`);
    const isKey = ["key", "issuekey"].includes(k.field.toLowerCase());
    return { get: isKey ? (i: IssueRecord) => keyRank(i.key) : get, sign: k.dir === "desc" ? -1 : 1 };
  });
  if (keys.length === 0) keys.push({ get: (i) => Number(i.id), sign: -1 });
  return (a, b) => {
    for (const { get, sign } of keys) {
      const x = get(a);
      const y = get(b);
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * sign;
    }
    return Number(a.id) - Number(b.id);
  };
}

function keyRank(key: string): string {
  const [project = "", num = "0"] = key.split("-");
  return `${project}-${num.padStart(12, "0")}`;
}
