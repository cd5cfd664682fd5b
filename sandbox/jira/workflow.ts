/** Workflows: which statuses exist, which transitions an issue in a given status is offered. */
import type { StatusCategoryKey, Workflow, WorkflowStatus } from "./types.js";

/** Jira's fixed status categories, with the ids and colours Jira Cloud uses for them. */
export const STATUS_CATEGORIES: Record<
  StatusCategoryKey,
  { id: number; key: StatusCategoryKey; colorName: string; name: string }
> = {
  new: { id: 2, key: "new", colorName: "blue-gray", name: "To Do" },
  indeterminate: { id: 4, key: "indeterminate", colorName: "yellow", name: "In Progress" },
  done: { id: 3, key: "done", colorName: "green", name: "Done" },
};

/** A simple change workflow: transitions are global and named like their target; only Done may still be rolled back. */
export function defaultWorkflow(): Workflow {
  return {
    initial: "To Do",
    statuses: [
      { name: "To Do", category: "new" },
      { name: "In Progress", category: "indeterminate" },
      { name: "Done", category: "done" },
      { name: "Failed", category: "done" },
      { name: "Rolled back", category: "done" },
    ],
    transitions: [
      ...["In Progress", "Done", "Failed", "Rolled back"].map((name) => ({ name, to: name })),
      // A change that went live can still be undone later.
      { name: "Rolled back", to: "Rolled back", from: ["Done"] },
    ],
  };
}

export interface AvailableTransition {
  /** Workflow action ids look like 11, 21, 31 in Jira. */
  id: string;
  name: string;
  to: WorkflowStatus;
  isGlobal: boolean;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export function findStatus(workflow: Workflow, name: string): WorkflowStatus | undefined {
  return workflow.statuses.find((s) => same(s.name, name));
}

/** Throws on a workflow that references statuses it does not define; test setup mistakes should fail loudly. */
export function checkWorkflow(workflow: Workflow, project: string): void {
  const known = (name: string, what: string): void => {
    if (!findStatus(workflow, name))
      throw new Error(`workflow of ${project}: ${what} "${name}" is not one of its statuses`);
  };
  if (workflow.statuses.length === 0) throw new Error(`workflow of ${project} has no statuses`);
  known(workflow.initial, "initial status");
  for (const t of workflow.transitions) {
    known(t.to, `transition "${t.name}" goes to`);
    for (const from of t.from ?? []) known(from, `transition "${t.name}" starts from`);
  }
}

/**
 * What Jira offers from `current`: explicit transitions listing it, and global ones unless the issue is already
 * in their target status or in a final (done-category) status.
 */
export function transitionsFrom(workflow: Workflow, current: string): AvailableTransition[] {
  const status = findStatus(workflow, current);
  const out: AvailableTransition[] = [];
  workflow.transitions.forEach((t, i) => {
    const to = findStatus(workflow, t.to);
    if (!to) return;
    const offered = t.from ? t.from.some((f) => same(f, current)) : status?.category !== "done" && !same(t.to, current);
    if (offered) out.push({ id: String(11 + 10 * i), name: t.name, to, isGlobal: t.from === undefined });
  });
  return out;
}
