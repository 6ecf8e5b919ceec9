import { join } from "node:path";
import { SHARED_STACK_NAME } from "../../conventions/names";
import { runOrThrow } from "../../lib/process";

/** `terraform init` of the shared stack of a synthesized app in `outdir`, as applySharedStack leaves it. */
export async function initSharedStack(outdir: string, env: NodeJS.ProcessEnv): Promise<void> {
  await runOrThrow("terraform", ["init", "-input=false", "-no-color"], { cwd: join(outdir, "stacks", SHARED_STACK_NAME), env });
}

/** `terraform apply` of the shared stack of a synthesized app in `outdir` (what `cdktf deploy shared` does), as `env`'s credentials. */
export async function applySharedStack(outdir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const cwd = join(outdir, "stacks", SHARED_STACK_NAME);
  await runOrThrow("terraform", ["init", "-input=false", "-no-color"], { cwd, env });
  await runOrThrow("terraform", ["apply", "-input=false", "-auto-approve", "-no-color"], { cwd, env });
}
