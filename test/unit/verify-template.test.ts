import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderQuery, templateProblems, usesPlaceholder, type TemplateValues } from "../../src/domain/verify/index.js";

const VALUES: TemplateValues = { service: "checkout-api", environment: "canary", sha: "0123abc", ref: "release/1.2" };

function rendered(template: string, values: Partial<TemplateValues> = {}): string {
  const out = renderQuery(template, { ...VALUES, ...values });
  if (!out.ok) throw new Error(out.problems.join("; "));
  return out.query;
}

/** Go's unquoting of a PromQL string body, written independently of the code under test. */
function unquote(body: string): string {
  return body.replace(/\\(x[0-9a-f]{2}|.)/gsu, (_, e: string) => {
    if (e.startsWith("x") && e.length === 3) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ n: "\n", r: "\r", t: "\t" } as Record<string, string>)[e] ?? e;
  });
}

/** The body of the string literal that starts at `open` (an index of its quote), ended by the first unescaped quote. */
function literalAt(query: string, open: number): { body: string; end: number } {
  const quote = query[open];
  let i = open + 1;
  while (i < query.length && query[i] !== quote) i += query[i] === "\\" ? 2 : 1;
  return { body: query.slice(open + 1, i), end: i };
}

describe("query templates", () => {
  it("fill in the service, environment, sha and ref", () => {
    const template =
      'sum(rate(http_requests_total{service="{{service}}",env="{{ environment }}",version=\'{{sha}}\',ref=~"{{ref}}"}[2m]))';
    expect(rendered(template)).toBe(
      'sum(rate(http_requests_total{service="checkout-api",env="canary",version=\'0123abc\',ref=~"release/1\\\\.2"}[2m]))',
    );
    expect(usesPlaceholder(template, "environment")).toBe(true);
    expect(usesPlaceholder('up{env="canary"}', "environment")).toBe(false);
  });

  it("escape a ref that tries to end its string or add a matcher", () => {
    expect(rendered('up{ref="{{ref}}"}', { ref: 'x"} or vector(1) #' })).toBe('up{ref="x\\"} or vector(1) #"}');
    expect(rendered("up{ref='{{ref}}'}", { ref: "it's\\" })).toBe("up{ref='it\\'s\\\\'}");
    expect(rendered('up{ref=~"{{ref}}"}', { ref: ".*" })).toBe('up{ref=~"\\\\.\\\\*"}');
    expect(rendered('up{ref="{{ref}}"}', { ref: "a\nb\u0001" })).toBe('up{ref="a\\nb\\x01"}');
  });

  it("leave placeholders in comments and escaped quotes alone", () => {
    expect(rendered('up{a="\\"{{ref}}"} # {{anything}}')).toBe('up{a="\\"release/1.2"} # {{anything}}');
  });

  it("refuse placeholders outside quotes, in raw strings, or unknown", () => {
    expect(templateProblems('{{service}}_requests_total{ref=`{{ref}}`,x="{{branch}}"}')).toEqual([
      '{{service}} must sit inside a quoted label value, such as env="{{environment}}", so that no value can change the query',
      "{{ref}} cannot sit inside a `raw string`, which has no escapes: use double quotes",
      "unknown placeholder {{branch}}: use {{service}}, {{environment}}, {{sha}}, {{ref}}",
    ]);
    expect(renderQuery("rate(x[{{ref}}])", VALUES)).toEqual({
      ok: false,
      problems: [expect.stringContaining("{{ref}} must sit inside a quoted label value")],
    });
  });

  it("property: any value stays inside its string and reads back as itself", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), fc.constantFrom('"', "'"), (value, quote) => {
        const template = `up{ref=${quote}{{ref}}${quote}, job="api"}`;
        const query = rendered(template, { ref: value });
        const open = "up{ref=".length;
        const { body, end } = literalAt(query, open);
        expect(query.slice(end)).toBe(`${quote}, job="api"}`);
        expect(unquote(body)).toBe(value);
      }),
    );
  });

  it("property: after =~ a value matches only itself", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 30 }), (value) => {
        const query = rendered('up{ref=~"{{ref}}"}', { ref: value });
        const { body, end } = literalAt(query, "up{ref=~".length);
        expect(query.slice(end)).toBe('"}');
        const regex = new RegExp(`^(?:${unquote(body)})$`, "u");
        expect(regex.test(value)).toBe(true);
        expect(regex.test(`${value}x`)).toBe(false);
      }),
    );
  });
});
