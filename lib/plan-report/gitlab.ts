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
