// Plans stacks the fast way: Terraform on each synthesized stack directory, several at a time.
// Leaves plan, plan.json or plan-error.txt in each directory for the report (lib/plan-report).
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PLAN_ERROR, PLAN_JSON } from "./plan-report/read-plans";
import { run, runOrThrow } from "./process";

export interface StackDirectory {
  readonly stack: string;
  readonly dir: string;
}

export interface StackPlanned extends StackDirectory {
  readonly ok: boolean;
  readonly seconds: number;
}

export interface PlanStacksOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Stacks planned at the same time. @default 1 */
  readonly concurrency?: number;
  /** Called when a stack starts and when it ends (progress for people and CI logs). */
  readonly onEvent?: (event: { kind: "start"; stack: string } | ({ kind: "done" } & StackPlanned)) => void;
}

const INIT = ["init", "-input=false", "-no-color"];

/** init once per directory: it costs more than half a second, and nothing it sets changes between plans. */
export function isInitialized(dir: string): boolean {
  return existsSync(join(dir, ".terraform", "terraform.tfstate")) || existsSync(join(dir, ".terraform.lock.hcl"));
}

/** Runs `terraform init` in a stack directory unless it ran there before. */
export async function ensureInitialized(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (!isInitialized(dir)) await runOrThrow("terraform", INIT, { cwd: dir, env });
}

/** Plans one stack directory: init when needed, plan to `plan`, then `show -json` into plan.json. */
export async function planStack(dir: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  rmSync(join(dir, PLAN_ERROR), { force: true });
  rmSync(join(dir, PLAN_JSON), { force: true });
  for (const args of [...(isInitialized(dir) ? [] : [INIT]), ["plan", "-input=false", "-no-color", "-lock-timeout=120s", "-out=plan"]]) {
    const result = await run("terraform", args, { cwd: dir, env });
    if (result.code !== 0) {
      writeFileSync(join(dir, PLAN_ERROR), `terraform ${args[0]} failed:\n${result.stderr || result.stdout}`);
      return false;
    }
  }
  const shown = await run("terraform", ["show", "-json", "plan"], { cwd: dir, env });
  writeFileSync(join(dir, shown.code === 0 ? PLAN_JSON : PLAN_ERROR), shown.code === 0 ? shown.stdout : shown.stderr);
  return shown.code === 0;
}

/** Plans every given stack, at most `concurrency` at once; results in the order the stacks were given. */
export async function planStacks(stacks: ReadonlyArray<StackDirectory>, options: PlanStacksOptions): Promise<StackPlanned[]> {
  const results: StackPlanned[] = new Array(stacks.length);
  let next = 0;
  const worker = async () => {
    while (next < stacks.length) {
      const index = next++;
      const { stack, dir } = stacks[index];
      options.onEvent?.({ kind: "start", stack });
      const started = Date.now();
      const ok = await planStack(dir, options.env);
      results[index] = { stack, dir, ok, seconds: (Date.now() - started) / 1000 };
      options.onEvent?.({ kind: "done", ...results[index] });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, stacks.length)) }, worker));
  return results;
}
