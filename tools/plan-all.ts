// Plans every stack (or those named) the fast way: synth with node, then Terraform on each stack
// directory. Leaves plan, plan.json or plan-error.txt in each directory for tools/plan-report.
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PLAN_ERROR, PLAN_JSON, stackDirectories } from "./plan-report/read-plans";
import { run } from "./process";
import { synthesize } from "./synth";
import { terraformEnv } from "./terraform-env";

export async function planStack(dir: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  rmSync(join(dir, PLAN_ERROR), { force: true });
  rmSync(join(dir, PLAN_JSON), { force: true });
  // init once per directory: it costs more than half a second, and nothing it sets changes between plans.
  const initialized = existsSync(join(dir, ".terraform", "terraform.tfstate")) || existsSync(join(dir, ".terraform.lock.hcl"));
  for (const args of [
    ...(initialized ? [] : [["init", "-input=false", "-no-color"]]),
    ["plan", "-input=false", "-no-color", "-lock-timeout=120s", "-out=plan"],
  ]) {
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

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { outdir: { type: "string", default: "cdktf.out" } } });
  const outdir = values.outdir!;
  const synth = await synthesize({ outdir });
  if (synth.code !== 0) {
    console.error(synth.stderr);
    process.exit(1);
  }
  const env = terraformEnv();
  const stacks = stackDirectories(outdir).filter(({ stack }) => positionals.length === 0 || positionals.includes(stack));
  for (const { stack, dir } of stacks) {
    const started = Date.now();
    const ok = await planStack(dir, env);
    console.log(`${ok ? "planned" : "FAILED "} ${stack} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}

if (require.main === module) void main();
