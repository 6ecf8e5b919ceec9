import { StackSummary } from "./summarize";

/** GitLab's terraform report (artifacts:reports:terraform) of one stack, for the merge request widget. */
export function gitlabReport(stack: StackSummary): { create: number; update: number; delete: number } {
  if (stack.status === "failed" || stack.status === "not planned") return { create: 0, update: 0, delete: 0 };
  return { create: stack.counts.add, update: stack.counts.change, delete: stack.counts.destroy };
}
