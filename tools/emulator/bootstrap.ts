import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { BOOTSTRAP_STACK_PREFIX } from "../../conventions/names";
import { runOrThrow } from "../../lib/process";
import { synthesize } from "../../lib/synth";
import { terraformEnv } from "../../lib/terraform-env";
import type { Emulator } from "./emulator";

/**
 * What an administrator does first in each account (docs/access-contract.md, "Bootstrapping an
 * account"): synthesize the bootstrap stacks of the configuration and apply each one with
 * credentials of its own account's administrator (OrganizationAccountAccessRole), so the plan and
 * deploy roles the other stacks assume exist. State as the configuration says (local: in
 * `dir`/bootstrap). Returns the accounts bootstrapped.
 */
export async function bootstrapAccounts(emulator: Emulator, configPath: string, dir: string): Promise<string[]> {
  const stateDir = join(dir, "bootstrap");
  mkdirSync(stateDir, { recursive: true });
  const outdir = join(stateDir, "out");
  const synth = await synthesize({
    outdir,
    configPath,
    stateDir,
    env: { ...process.env, AMI_PIPELINE_BOOTSTRAP: "1", AMI_PIPELINE_ALLOW_LOCAL_STATE: "1" },
  });
  if (synth.code !== 0) throw new Error(`bootstrap synth failed:\n${synth.stderr || synth.stdout}`);
  const stacks = readdirSync(join(outdir, "stacks")).filter((stack) => stack.startsWith(BOOTSTRAP_STACK_PREFIX));
  await Promise.all(
    stacks.map(async (stack) => {
      const account = stack.slice(BOOTSTRAP_STACK_PREFIX.length);
      const env = terraformEnv(emulator.env(await emulator.adminOf(account)));
      const cwd = join(outdir, "stacks", stack);
      await runOrThrow("terraform", ["init", "-input=false", "-no-color"], { cwd, env });
      await runOrThrow("terraform", ["apply", "-input=false", "-auto-approve", "-no-color"], { cwd, env });
    }),
  );
  return stacks.map((stack) => stack.slice(BOOTSTRAP_STACK_PREFIX.length));
}
