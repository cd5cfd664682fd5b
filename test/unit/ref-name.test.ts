import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkRefName, MAX_REF_LENGTH } from "../../src/domain/ref-name.js";

describe("checkRefName", () => {
  it.each([
    "main",
    "v1.4.2",
    "feature/x-1",
    "release/2024.06",
    "HEAD",
    "a1b2c3d",
    "0123456789abcdef0123456789abcdef01234567",
    "user@example",
    "fix/ümlaut",
    "a.lock.b",
    "x".repeat(MAX_REF_LENGTH),
  ])("accepts %s", (ref) => {
    expect(checkRefName(ref)).toEqual({ ok: true });
  });

  it.each([
    ["", "a ref cannot be empty"],
    ["x".repeat(MAX_REF_LENGTH + 1), "a ref cannot be longer than 255 characters"],
    ["@", "a ref cannot be `@` alone"],
    ["a b", "a ref cannot contain spaces or control characters"],
    ["a\tb", "a ref cannot contain spaces or control characters"],
    ["a\u0000b", "a ref cannot contain spaces or control characters"],
    ["a\u007fb", "a ref cannot contain spaces or control characters"],
    ["a~1", "a ref cannot contain `~`"],
    ["main^", "a ref cannot contain `^`"],
    ["a:b", "a ref cannot contain `:`"],
    ["a?", "a ref cannot contain `?`"],
    ["a*", "a ref cannot contain `*`"],
    ["a[1]", "a ref cannot contain `[`"],
    ["a\\b", "a ref cannot contain a backslash"],
    ["a..b", "a ref cannot contain `..`"],
    ["main@{1}", "a ref cannot contain `@{`"],
    ["-rf", "a ref cannot start with `-`"],
    ["/main", "a ref cannot start with `/`"],
    ["main/", "a ref cannot end with `/`"],
    ["a//b", "a ref cannot contain `//`"],
    ["main.", "a ref cannot end with `.`"],
    [".hidden", "no part of a ref (between `/`) can start with `.`"],
    ["feature/.x", "no part of a ref (between `/`) can start with `.`"],
    ["main.lock", "no part of a ref (between `/`) can end with `.lock`"],
    ["a.lock/b", "no part of a ref (between `/`) can end with `.lock`"],
  ])("rejects %j", (ref, reason) => {
    expect(checkRefName(ref)).toEqual({ ok: false, reason });
  });

  it("never throws, and always gives a reason when it refuses", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (ref) => {
        const result = checkRefName(ref);
        if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
      }),
    );
  });

  it("accepts typical branch, tag and SHA names", () => {
    const word = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,15}$/);
    const branch = fc.array(word, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("/"));
    const tag = fc.tuple(fc.nat(99), fc.nat(99), fc.nat(99)).map(([a, b, c]) => `v${a}.${b}.${c}`);
    const sha = fc.stringMatching(/^[0-9a-f]{40}$/);
    fc.assert(
      fc.property(fc.oneof(branch, tag, sha), (ref) => {
        expect(checkRefName(ref)).toEqual({ ok: true });
      }),
    );
  });
});
