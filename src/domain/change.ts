/** What a deploy changes compared with what is live: shown to approvers and written into change tickets. */
export interface ChangeCommit {
  sha: string;
  message: string;
  author: string;
  date: string | null;
}

export interface ChangeSummary {
  /** The live commit compared against; null for a first deploy. */
  base: string | null;
  /** How many commits the deploy adds (may exceed `commits.length`, which is capped). */
  total: number;
  commits: ChangeCommit[];
  authors: string[];
  jiraKeys: string[];
  /** A rollback: these are the commits it takes out again, from `base` (live) back to the target. */
  undo?: boolean;
}

const JIRA_KEY = /\b[A-Z][A-Z0-9_]+-[1-9][0-9]*\b/g;
const KEEP_COMMITS = 25;

/** Jira issue keys named in a text, once each, in order of appearance. */
export function jiraKeys(text: string): string[] {
  return [...new Set(text.match(JIRA_KEY) ?? [])];
}

export function summarizeChange(
  base: string | null,
  commits: readonly ChangeCommit[],
  total = commits.length,
): ChangeSummary {
  return {
    base,
    total,
    commits: commits.slice(-KEEP_COMMITS).map((c) => ({ ...c, message: c.message.split("\n")[0]!.slice(0, 200) })),
    authors: [...new Set(commits.map((c) => c.author))],
    jiraKeys: [...new Set(commits.flatMap((c) => jiraKeys(c.message)))],
  };
}
