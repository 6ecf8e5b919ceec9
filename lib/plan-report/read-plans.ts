import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TerraformPlan } from "./plan-json";
import { StackSummary, summarizePlan } from "./summarize";

/** What tools/plan-all.ts leaves in each stack's working directory. */
export const PLAN_JSON = "plan.json";
export const PLAN_ERROR = "plan-error.txt";

export interface Manifest {
  readonly stacks: Readonly<Record<string, { readonly name: string; readonly workingDirectory: string }>>;
}

export function stackDirectories(outdir: string): { stack: string; dir: string }[] {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as Manifest;
  return Object.values(manifest.stacks).map((s) => ({ stack: s.name, dir: join(outdir, s.workingDirectory) }));
}

/** Every stack of a cdktf output directory, summarized from the plan (or error) found beside it. */
export function readStackPlans(outdir: string): StackSummary[] {
  return stackDirectories(outdir).map(({ stack, dir }) => {
    if (existsSync(join(dir, PLAN_ERROR))) return { stack, status: "failed", error: readFileSync(join(dir, PLAN_ERROR), "utf8") };
    if (existsSync(join(dir, PLAN_JSON))) return summarizePlan(stack, JSON.parse(readFileSync(join(dir, PLAN_JSON), "utf8")) as TerraformPlan);
    return { stack, status: "not planned" };
  });
}
