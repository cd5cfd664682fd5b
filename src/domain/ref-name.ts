/**
 * Git's `check-ref-format` rules, applied to a branch, tag or SHA as a person types it
 * (`main`, `v1.4.2`, `feature/x-1`), so a bad ref is refused in Slack before GitHub sees it.
 */
export type RefCheck = { ok: true } | { ok: false; reason: string };

export const MAX_REF_LENGTH = 255;

// Characters git forbids anywhere in a ref name, with the words used to explain each one.
const FORBIDDEN: ReadonlyArray<readonly [string, string]> = [
  ["~", "`~`"],
  ["^", "`^`"],
  [":", "`:`"],
  ["?", "`?`"],
  ["*", "`*`"],
  ["[", "`[`"],
  ["\\", "a backslash"],
];

const fail = (reason: string): RefCheck => ({ ok: false, reason });

function hasControlOrSpace(ref: string): boolean {
  for (let i = 0; i < ref.length; i++) {
    const code = ref.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return true;
  }
  return false;
}

export function checkRefName(ref: string): RefCheck {
  if (ref.length === 0) return fail("a ref cannot be empty");
  if (ref.length > MAX_REF_LENGTH) return fail(`a ref cannot be longer than ${MAX_REF_LENGTH} characters`);
  if (ref === "@") return fail("a ref cannot be `@` alone");
  if (hasControlOrSpace(ref)) return fail("a ref cannot contain spaces or control characters");
  for (const [char, words] of FORBIDDEN) {
    if (ref.includes(char)) return fail(`a ref cannot contain ${words}`);
  }
  if (ref.includes("..")) return fail("a ref cannot contain `..`");
  if (ref.includes("@{")) return fail("a ref cannot contain `@{`");
  // git itself allows a leading `-` in some places, but `git branch` refuses it and it reads as a flag.
  if (ref.startsWith("-")) return fail("a ref cannot start with `-`");
  if (ref.startsWith("/")) return fail("a ref cannot start with `/`");
  if (ref.endsWith("/")) return fail("a ref cannot end with `/`");
  if (ref.includes("//")) return fail("a ref cannot contain `//`");
  if (ref.endsWith(".")) return fail("a ref cannot end with `.`");
  for (const component of ref.split("/")) {
    if (component.startsWith(".")) return fail("no part of a ref (between `/`) can start with `.`");
    if (component.endsWith(".lock")) return fail("no part of a ref (between `/`) can end with `.lock`");
  }
  return { ok: true };
}
