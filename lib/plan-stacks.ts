// Plans stacks the fast way: Terraform on each synthesized stack directory, several at a time, and
// no Terraform process that is not needed. Leaves in each directory: `plan` (the binary plan, for
// `golden-ami apply`), plan.json (only when there are changes; never uploaded), plan-summary.json
// (the report's redacted view) or plan-error.txt.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { StackSummary, summarizePlan, unchangedStack } from "./plan-report/summarize";
import { run, runOrThrow } from "./process";
import { LOCK_FILE_NAME } from "./provider-lock";
import { STACK_FILES } from "../conventions/names";

export interface StackDirectory {
  readonly stack: string;
  readonly dir: string;
}

export interface StackPlanned extends StackDirectory {
  readonly ok: boolean;
  readonly changes: boolean;
  readonly seconds: number;
}

export interface PlanOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Write plan.json also when nothing changes (a security scan of the whole plan, fixtures). @default false */
  readonly showAlways?: boolean;
  /** Take the state lock. Off for read-only plans (pull requests), whose role may not write the lock. @default true */
  readonly lock?: boolean;
}

export interface PlanStacksOptions extends PlanOptions {
  /** Stacks planned at the same time. @default 1 */
  readonly concurrency?: number;
  /** Called when a stack starts and when it ends (progress for people and CI logs). */
  readonly onEvent?: (event: { kind: "start"; stack: string } | ({ kind: "done" } & StackPlanned)) => void;
}

// -lockfile=readonly: the provider package must match the reviewed lock (lib/provider-lock.ts); init never rewrites it.
const INIT = ["init", "-input=false", "-no-color", "-lockfile=readonly"];
const INIT_RECORD = join(".terraform", "golden-ami-init.json");

/**
 * What `terraform init` depends on in a stack: its backend and its providers. When they are as at the
 * last init, init has nothing to do (it costs more than half a second and starts every provider).
 */
function initInputs(dir: string): string {
  const stack = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as { terraform?: { backend?: unknown; required_providers?: unknown } };
  return createHash("sha256")
    .update(
      JSON.stringify({
        backend: stack.terraform?.backend ?? null,
        providers: stack.terraform?.required_providers ?? null,
        lock: existsSync(join(dir, LOCK_FILE_NAME)) ? readFileSync(join(dir, LOCK_FILE_NAME), "utf8") : null,
      }),
    )
    .digest("hex");
}

function isInitialized(dir: string): boolean {
  const record = join(dir, INIT_RECORD);
  return existsSync(record) && readFileSync(record, "utf8") === initInputs(dir);
}

/** Runs `terraform init` unless the directory was initialized for its current backend and providers. */
export async function ensureInitialized(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (isInitialized(dir)) return;
  const reconfigure = existsSync(join(dir, ".terraform")) ? ["-reconfigure"] : [];
  await runOrThrow("terraform", [...INIT, ...reconfigure], { cwd: dir, env });
  writeFileSync(join(dir, INIT_RECORD), initInputs(dir));
}

/**
 * Plans one stack directory. `-detailed-exitcode` tells whether anything changes: only then is
 * `terraform show -json` run (another provider start) for the report.
 */
export async function planStack(dir: string, env: NodeJS.ProcessEnv, options: Omit<PlanOptions, "env"> = {}): Promise<{ ok: boolean; changes: boolean }> {
  const stack = dir.split(/[\\/]/).pop() ?? dir;
  for (const file of [STACK_FILES.planError, STACK_FILES.planJson, STACK_FILES.planSummary, STACK_FILES.savedPlan]) rmSync(join(dir, file), { force: true });
  const fail = (what: string, output: string) => {
    // Terraform saves an errored plan too: it must never look like one to apply.
    rmSync(join(dir, STACK_FILES.savedPlan), { force: true });
    writeFileSync(join(dir, STACK_FILES.planError), `terraform ${what} failed:\n${output}`);
    return { ok: false, changes: false };
  };
  try {
    await ensureInitialized(dir, env);
  } catch (error) {
    return fail("init", error instanceof Error ? error.message : String(error));
  }
  const lock = options.lock === false ? ["-lock=false"] : ["-lock-timeout=120s"];
  const planned = await run("terraform", ["plan", "-input=false", "-no-color", "-detailed-exitcode", ...lock, `-out=${STACK_FILES.savedPlan}`], {
    cwd: dir,
    env,
  });
  if (planned.code === 1 || (planned.code !== 0 && planned.code !== 2)) return fail("plan", planned.stderr || planned.stdout);
  if (planned.code === 0 && !options.showAlways) {
    writeSummary(dir, unchangedStack(stack));
    return { ok: true, changes: false };
  }
  const shown = await run("terraform", ["show", "-json", STACK_FILES.savedPlan], { cwd: dir, env });
  if (shown.code !== 0) return fail("show", shown.stderr);
  writeFileSync(join(dir, STACK_FILES.planJson), shown.stdout);
  const summary = summarizePlan(stack, JSON.parse(shown.stdout));
  writeSummary(dir, summary);
  return { ok: summary.status !== "failed", changes: planned.code === 2 };
}

function writeSummary(dir: string, summary: StackSummary): void {
  writeFileSync(join(dir, STACK_FILES.planSummary), JSON.stringify(summary));
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
      const { ok, changes } = await planStack(dir, options.env, { lock: options.lock });
      results[index] = { stack, dir, ok, changes, seconds: (Date.now() - started) / 1000 };
      options.onEvent?.({ kind: "done", ...results[index] });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, stacks.length)) }, worker));
  return results;
}

/** Marks a stack that was not planned because this change does not touch it. */
export function markSkipped(dir: string, stack: string, reason: string): void {
  for (const file of [STACK_FILES.planError, STACK_FILES.planJson, STACK_FILES.savedPlan]) rmSync(join(dir, file), { force: true });
  writeSummary(dir, { stack, status: "skipped", reason });
}
