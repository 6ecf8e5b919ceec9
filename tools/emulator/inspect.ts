import { DescribeLaunchTemplateVersionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { runOrThrow } from "../../lib/process";

/**
 * A stack's outputs after apply, as `terraform output` reports them: read from the state file when the
 * stack's backend is local (the outputs Terraform keeps there, without starting Terraform and the
 * provider's checksum of 700 MB), else from `terraform output`.
 */
export async function stackOutputs(outdir: string, stack: string, env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const cwd = join(outdir, "stacks", stack);
  const synthesized = JSON.parse(readFileSync(join(cwd, "cdk.tf.json"), "utf8")) as { terraform?: { backend?: { local?: { path?: string } } } };
  const local = synthesized.terraform?.backend?.local?.path;
  const outputs = local
    ? (JSON.parse(readFileSync(resolve(cwd, local), "utf8")) as { outputs: Record<string, { value: unknown }> }).outputs
    : (JSON.parse((await runOrThrow("terraform", ["output", "-json"], { cwd, env })).stdout) as Record<string, { value: unknown }>);
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
}

export interface LaunchTemplateVersion {
  readonly version: number;
  readonly imageId?: string;
  readonly isDefault: boolean;
}

/** What EC2 says about a launch template: every version, oldest first, with its AMI. */
export async function launchTemplateVersions(ec2: EC2Client, launchTemplateId: string): Promise<LaunchTemplateVersion[]> {
  const { LaunchTemplateVersions = [] } = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: launchTemplateId }));
  return LaunchTemplateVersions.map((v) => ({
    version: v.VersionNumber ?? 0,
    imageId: v.LaunchTemplateData?.ImageId,
    isDefault: v.DefaultVersion ?? false,
  })).sort((a, b) => a.version - b.version);
}
