/**
 * A JQL subset parser: clauses joined by AND/OR/NOT and parentheses, lists, functions, ORDER BY.
 * Errors read like Jira's ("Error in the JQL Query: ... (line 1, character N)") so callers see the real failure mode.
 */

export type Op = "=" | "!=" | "~" | "!~" | ">" | ">=" | "<" | "<=" | "in" | "not in" | "is" | "is not";

export type Operand =
  | { kind: "literal"; value: string; pos: number }
  | { kind: "fn"; name: string; args: string[]; pos: number }
  | { kind: "empty"; pos: number };

export interface Clause {
  kind: "clause";
  field: string;
  op: Op;
  operands: Operand[];
  pos: number;
}

export type Expr = Clause | { kind: "and" | "or"; left: Expr; right: Expr } | { kind: "not"; expr: Expr };

export interface SortKey {
  field: string;
  dir: "asc" | "desc";
}

export interface JqlQuery {
  where: Expr | undefined;
  orderBy: SortKey[];
}

export class JqlError extends Error {}

interface Token {
  type: "word" | "string" | "op" | "(" | ")" | "," | "eof";
  text: string;
  pos: number;
}

const OPERATORS = ["!=", "!~", ">=", "<=", "=", "~", ">", "<"];
const VALID_OPS = "'=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'";

function lex(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const ch = jql[i] ?? "";
    const pos = i + 1;
    if (/\s/.test(ch)) {
      i++;
    } else if ("(),".includes(ch)) {
      tokens.push({ type: ch as "(" | ")" | ",", text: ch, pos });
      i++;
    } else if (ch === '"' || ch === "'") {
      let text = "";
      let j = i + 1;
      for (; j < jql.length && jql[j] !== ch; j++) text += jql[j] === "\\" ? (jql[++j] ?? "") : jql[j];
      if (j >= jql.length)
        throw new JqlError(
          `Error in the JQL Query: The quoted string '${text}' has not been completed. (line 1, character ${pos})`,
        );
      tokens.push({ type: "string", text, pos });
      i = j + 1;
    } else {
      const op = OPERATORS.find((o) => jql.startsWith(o, i));
      if (op) {
        tokens.push({ type: "op", text: op, pos });
        i += op.length;
      } else {
        const m = /^[^\s()",'=!~<>]+/.exec(jql.slice(i));
        if (!m)
          throw new JqlError(
            `Error in the JQL Query: The character '${ch}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}' instead. (line 1, character ${pos})`,
          );
        tokens.push({ type: "word", text: m[0], pos });
        i += m[0].length;
      }
    }
  }
  tokens.push({ type: "eof", text: "EOF", pos: jql.length + 1 });
  return tokens;
}

export function parseJql(jql: string): JqlQuery {
  const t = lex(jql);
  let i = 0;
  const peek = (): Token => t[i] ?? (t[t.length - 1] as Token);
  const next = (): Token => t[i++] ?? (t[t.length - 1] as Token);
  const kw = (word: string, tok = peek()): boolean => tok.type === "word" && tok.text.toLowerCase() === word;
  const fail = (expecting: string, tok = peek()): never => {
    throw new JqlError(
      `Error in the JQL Query: Expecting ${expecting} but got '${tok.text}'. (line 1, character ${tok.pos})`,
    );
  };

  const operand = (): Operand => {
    const tok = next();
    if (tok.type === "string") return { kind: "literal", value: tok.text, pos: tok.pos };
    if (tok.type !== "word" || ["and", "or", "not", "order", "in", "is"].includes(tok.text.toLowerCase()))
      return fail("either a value, list or function", tok);
    if (peek().type !== "(") return { kind: "literal", value: tok.text, pos: tok.pos };
    next();
    const args: string[] = [];
    while (peek().type !== ")") {
      const arg = next();
      if (arg.type !== "word" && arg.type !== "string") fail("a function argument", arg);
      args.push(arg.text);
      if (peek().type === ",") next();
    }
    next();
    return { kind: "fn", name: tok.text, args, pos: tok.pos };
  };

  const clause = (): Clause => {
    const field = next();
    if (field.type !== "word" && field.type !== "string") return fail("a field name", field);
    let op: Op;
    const tok = next();
    if (tok.type === "op") op = tok.text as Op;
    else if (kw("in", tok)) op = "in";
    else if (kw("not", tok) && kw("in")) {
      next();
      op = "not in";
    } else if (kw("is", tok)) {
      op = kw("not") ? "is not" : "is";
      if (op === "is not") next();
    } else
      throw new JqlError(
        `Error in the JQL Query: Expecting operator but got '${tok.text}'. The valid operators are ${VALID_OPS}. (line 1, character ${tok.pos})`,
      );
    let operands: Operand[];
    if (op === "is" || op === "is not") {
      const v = next();
      if (!kw("empty", v) && !kw("null", v)) fail("'EMPTY' or 'NULL'", v);
      operands = [{ kind: "empty", pos: v.pos }];
    } else if (peek().type === "(") {
      next();
      operands = [operand()];
      while (peek().type === ",") {
        next();
        operands.push(operand());
      }
      if (next().type !== ")") fail("')'", t[i - 1]);
    } else operands = [operand()];
    return { kind: "clause", field: field.text, op, operands, pos: field.pos };
  };

  const unary = (): Expr => {
    if (kw("not")) {
      next();
      return { kind: "not", expr: unary() };
    }
    if (peek().type === "(") {
      next();
      const inner = or();
      if (next().type !== ")") fail("')'", t[i - 1]);
      return inner;
    }
    return clause();
  };
  const and = (): Expr => {
    let left = unary();
    while (kw("and")) {
      next();
      left = { kind: "and", left, right: unary() };
    }
    return left;
  };
  const or = (): Expr => {
    let left = and();
    while (kw("or")) {
      next();
      left = { kind: "or", left, right: and() };
    }
    return left;
  };

  const where = peek().type === "eof" || kw("order") ? undefined : or();
  const orderBy: SortKey[] = [];
  if (kw("order")) {
    next();
    if (!kw("by")) fail("'by'");
    next();
    do {
      if (orderBy.length > 0) next();
      const field = next();
      if (field.type !== "word" && field.type !== "string") fail("a field name", field);
      const dir = kw("asc") || kw("desc") ? (next().text.toLowerCase() as "asc" | "desc") : "asc";
      orderBy.push({ field: field.text, dir });
    } while (peek().type === ",");
  }
  if (peek().type !== "eof") fail(orderBy.length ? "',' or the end of the query" : "either 'OR' or 'AND'");
  return { where, orderBy };
}
