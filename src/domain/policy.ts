/** A Slack user id (`U024BE7LH`) or a user group handle (`@platform`), as gantry.yml names them. */
export type Principal = string;

/** Group handles (`@platform`) named in a list of principals, without the `@`. */
export function groupHandles(principals: readonly Principal[]): string[] {
  return principals.filter((p) => p.startsWith("@")).map((p) => p.slice(1));
}

/**
 * Whether `user` is one of `principals`, given the members of each group handle named there.
 * An absent list means everyone.
 */
export function isAllowed(
  principals: readonly Principal[] | undefined,
  user: string,
  members: Readonly<Record<string, readonly string[]>>,
): boolean {
  if (!principals) return true;
  return principals.some((p) => (p.startsWith("@") ? (members[p.slice(1)] ?? []).includes(user) : p === user));
}

/** Whether deciding if `user` is among `principals` takes a user group's members (so a call to Slack). */
export function needsMembers(principals: readonly Principal[] | undefined, user: string): boolean {
  return !!principals && !principals.includes(user) && principals.some((p) => p.startsWith("@"));
}

/** `@platform` or `<@U024BE7LH>`, joined for a sentence. */
export function describePrincipals(principals: readonly Principal[]): string {
  const names = principals.map((p) => (p.startsWith("@") ? `\`${p}\`` : `<@${p}>`));
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}
