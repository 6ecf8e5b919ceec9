// Resources a stack created in AWS that its state does not know: what an interrupted apply leaves.
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeLaunchTemplatesCommand, DescribeSecurityGroupsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { runOrThrow } from "./process";

export interface TaggedResource {
  readonly type: "aws_launch_template" | "aws_autoscaling_group" | "aws_security_group";
  readonly id: string;
  readonly name?: string;
}

export interface StackLocation {
  readonly stack: string;
  readonly region: string;
  /** Role to assume in the stack's account. @default - the environment's credentials */
  readonly roleArn?: string;
}

/**
 * Every resource of the kinds a workload stack creates under generated names, tagged with its stack
 * name by the provider's default tags (Stack, ManagedBy = cdktf).
 */
export async function taggedResources(location: StackLocation): Promise<TaggedResource[]> {
  const credentials = location.roleArn
    ? fromTemporaryCredentials({ params: { RoleArn: location.roleArn, RoleSessionName: `golden-ami-orphans-${location.stack}` } })
    : undefined;
  const ec2 = new EC2Client({ region: location.region, credentials });
  const autoScaling = new AutoScalingClient({ region: location.region, credentials });
  const filters = [
    { Name: "tag:Stack", Values: [location.stack] },
    { Name: "tag:ManagedBy", Values: ["cdktf"] },
  ];
  const found: TaggedResource[] = [];
  for (let token: string | undefined, first = true; first || token; first = false) {
    const page = await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: filters, NextToken: token }));
    for (const t of page.LaunchTemplates ?? []) found.push({ type: "aws_launch_template", id: t.LaunchTemplateId!, name: t.LaunchTemplateName });
    token = page.NextToken;
  }
  for (let token: string | undefined, first = true; first || token; first = false) {
    const page = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters, NextToken: token }));
    for (const g of page.SecurityGroups ?? []) found.push({ type: "aws_security_group", id: g.GroupId!, name: g.GroupName });
    token = page.NextToken;
  }
  for (let token: string | undefined, first = true; first || token; first = false) {
    const page = await autoScaling.send(
      new DescribeAutoScalingGroupsCommand({
        Filters: [
          { Name: "tag:Stack", Values: [location.stack] },
          { Name: "tag:ManagedBy", Values: ["cdktf"] },
        ],
        NextToken: token,
      }),
    );
    for (const g of page.AutoScalingGroups ?? []) found.push({ type: "aws_autoscaling_group", id: g.AutoScalingGroupName!, name: g.AutoScalingGroupName });
    token = page.NextToken;
  }
  return found;
}

/** Ids of every resource instance in a stack's state (`terraform state pull`, any backend). */
export async function stateIds(dir: string, env: NodeJS.ProcessEnv): Promise<Set<string>> {
  const { stdout } = await runOrThrow("terraform", ["state", "pull"], { cwd: dir, env });
  if (stdout.trim() === "") return new Set();
  const state = JSON.parse(stdout) as { resources?: { instances?: { attributes?: { id?: unknown } }[] }[] };
  return new Set((state.resources ?? []).flatMap((r) => (r.instances ?? []).map((i) => i.attributes?.id)).filter((id): id is string => typeof id === "string"));
}

/** Tagged resources that the state does not hold. */
export function orphansOf(tagged: ReadonlyArray<TaggedResource>, known: ReadonlySet<string>): TaggedResource[] {
  return tagged.filter((resource) => !known.has(resource.id));
}
