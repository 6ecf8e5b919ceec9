// Resources a stack created in AWS that its state does not know: what an interrupted apply leaves.
import { paginateDescribeAutoScalingGroups } from "@aws-sdk/client-auto-scaling";
import { paginateDescribeLaunchTemplates, paginateDescribeSecurityGroups } from "@aws-sdk/client-ec2";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import type { Config } from "../config/schema";
import { GoldenAmiError, refuseUnknown } from "../conventions/errors";
import { MANAGED_BY, MANAGED_BY_TAG, OUTDIR_STACKS, STACK_TAG } from "../conventions/names";
import { AccessTarget, allPages, AwsAccess, stackTarget } from "./aws-access";
import { stackDirectories } from "./plan-report/read-plans";
import { ensureInitialized } from "./plan-stacks";
import { run } from "./process";
import { synthesize } from "./synth";
import { terraformEnv } from "./terraform-env";

export interface TaggedResource {
  readonly type: "aws_launch_template" | "aws_autoscaling_group" | "aws_security_group";
  readonly id: string;
  readonly name?: string;
}

/**
 * Every resource of the kinds a workload stack creates under generated names, tagged with its stack
 * name by the provider's default tags (Stack, ManagedBy = cdktf), in the stack's own account.
 */
export async function taggedResources(access: AwsAccess, target: AccessTarget): Promise<TaggedResource[]> {
  const ec2 = { client: access.ec2(target) };
  const autoScaling = { client: access.autoScaling(target) };
  const Filters = [
    { Name: `tag:${STACK_TAG}`, Values: [target.stack] },
    { Name: `tag:${MANAGED_BY_TAG}`, Values: [MANAGED_BY] },
  ];
  const [templates, groups, scaling] = await Promise.all([
    allPages(paginateDescribeLaunchTemplates(ec2, { Filters }), (page) => page.LaunchTemplates),
    allPages(paginateDescribeSecurityGroups(ec2, { Filters }), (page) => page.SecurityGroups),
    allPages(paginateDescribeAutoScalingGroups(autoScaling, { Filters }), (page) => page.AutoScalingGroups),
  ]);
  return [
    ...templates.map((t) => ({ type: "aws_launch_template" as const, id: t.LaunchTemplateId!, name: t.LaunchTemplateName })),
    ...groups.map((g) => ({ type: "aws_security_group" as const, id: g.GroupId!, name: g.GroupName })),
    ...scaling.map((g) => ({ type: "aws_autoscaling_group" as const, id: g.AutoScalingGroupName!, name: g.AutoScalingGroupName })),
  ];
}

/** Ids of every resource instance in a stack's state (`terraform state pull`, any backend). */
export async function stateIds(dir: string, env: NodeJS.ProcessEnv): Promise<Set<string>> {
  const pulled = await run("terraform", ["state", "pull", "-no-color"], { cwd: dir, env });
  if (pulled.code !== 0) throw new Error(`terraform state pull failed: ${stripVTControlCharacters(pulled.stderr || pulled.stdout).trim()}`);
  const { stdout } = pulled;
  if (stdout.trim() === "") return new Set();
  const state = JSON.parse(stdout) as { resources?: { instances?: { attributes?: { id?: unknown } }[] }[] };
  return new Set((state.resources ?? []).flatMap((r) => (r.instances ?? []).map((i) => i.attributes?.id)).filter((id): id is string => typeof id === "string"));
}

/** Tagged resources that the state does not hold. */
export function orphansOf(tagged: ReadonlyArray<TaggedResource>, known: ReadonlySet<string>): TaggedResource[] {
  return tagged.filter((resource) => !known.has(resource.id));
}

export interface Orphan extends TaggedResource {
  readonly stack: string;
}

/**
 * Synthesizes the configuration, then lists for each workload (or those named) the resources tagged
 * as its own in its account that its state does not hold. A stack that cannot be checked is named in
 * `unreadable`; the others are still checked.
 */
export async function findOrphans(
  config: Config,
  request: { readonly configPath: string; readonly outdir: string; readonly stacks: ReadonlyArray<string> },
): Promise<{ found: Orphan[]; unreadable: string[] }> {
  refuseUnknown(
    request.stacks,
    config.workloads.map((w) => w.name),
    "workload stack",
  );
  const synth = await synthesize({ outdir: request.outdir, configPath: request.configPath });
  if (synth.code !== 0) throw new GoldenAmiError(`synth failed:\n${(synth.stderr || synth.stdout).trim()}`);
  const env = terraformEnv();
  const dirs = new Map(stackDirectories(request.outdir).map((s) => [s.stack, s.dir]));
  const access = new AwsAccess("orphans");
  const found: Orphan[] = [];
  const unreadable: string[] = [];
  for (const workload of config.workloads.filter((w) => request.stacks.length === 0 || request.stacks.includes(w.name))) {
    const dir = dirs.get(workload.name) ?? join(request.outdir, OUTDIR_STACKS, workload.name);
    try {
      await ensureInitialized(dir, env);
      const known = await stateIds(dir, env);
      // Read-only, in the workload's own account: the plan role, as its plans use it.
      const tagged = await taggedResources(access, stackTarget(config, workload.name, "plan"));
      found.push(...orphansOf(tagged, known).map((o) => ({ stack: workload.name, ...o })));
    } catch (error) {
      unreadable.push(`${workload.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { found, unreadable };
}
