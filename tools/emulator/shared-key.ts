import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runOrThrow } from "../../lib/process";

/**
 * Applies the shared stack's AMI key and alias, and nothing else of it (the emulator has no Image
 * Builder for the rest), so workload stacks find the key as they would after `cdktf deploy shared`.
 * `outdir` must hold a synthesized app.
 */
export async function applySharedAmiKey(outdir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const cwd = join(outdir, "stacks", "shared");
  const stack = JSON.parse(readFileSync(join(cwd, "cdk.tf.json"), "utf8")) as {
    resource: Record<string, Record<string, { "//"?: { metadata?: { path?: string } } }>>;
  };
  const targets = ["aws_kms_key", "aws_kms_alias"].flatMap((type) =>
    Object.entries(stack.resource[type] ?? {})
      .filter(([, resource]) => resource["//"]?.metadata?.path?.includes("/AmiKey/"))
      .map(([name]) => `-target=${type}.${name}`),
  );
  if (targets.length === 0) return; // ami_encryption is off
  await runOrThrow("terraform", ["init", "-input=false", "-no-color"], { cwd, env });
  await runOrThrow("terraform", ["apply", "-input=false", "-auto-approve", "-no-color", ...targets], { cwd, env });
}
