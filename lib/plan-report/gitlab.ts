import { StackSummary } from "./summarize";

export type GitlabReport = { create: number; update: number; delete: number } | { error: string };

/**
 * GitLab's terraform report (artifacts:reports:terraform) of one stack. It has room only for three
 * counts, so a failed plan is written without them: GitLab then shows "Generating the report caused
 * an error" for it, never "no changes". Undefined for a stack that was not planned.
 */
export function gitlabReport(stack: StackSummary): GitlabReport | undefined {
  if (stack.status === "not planned" || stack.status === "skipped") return undefined;
  if (stack.status === "failed") return { error: `plan of ${stack.stack} failed` };
  return { create: stack.counts.add, update: stack.counts.change, delete: stack.counts.destroy };
}

/** ONE report for a job that planned several stacks (GitLab reads one per job): counts summed, an error if any failed. */
export function gitlabJobReport(stacks: ReadonlyArray<StackSummary>): GitlabReport {
  const failed = stacks.filter((s) => s.status === "failed").map((s) => s.stack);
  if (failed.length > 0) return { error: `plan failed: ${failed.join(", ")}` };
  const total = { create: 0, update: 0, delete: 0 };
  for (const report of stacks.map(gitlabReport)) {
    if (report && "create" in report) {
      total.create += report.create;
      total.update += report.update;
      total.delete += report.delete;
    }
  }
  return total;
}
