import { DescribeLaunchTemplateVersionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { join } from "node:path";
import { runOrThrow } from "../../lib/process";

/** A stack's outputs after apply, as `terraform output` reports them. */
export async function stackOutputs(outdir: string, stack: string, env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const { stdout } = await runOrThrow("terraform", ["output", "-json"], { cwd: join(outdir, "stacks", stack), env });
  return Object.fromEntries(Object.entries(JSON.parse(stdout) as Record<string, { value: unknown }>).map(([k, v]) => [k, v.value]));
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
