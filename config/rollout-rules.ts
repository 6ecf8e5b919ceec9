import type { Config, WorkloadConfig } from "./schema";
import { amiParameterName } from "../conventions/ami-names";
import { Problem, showValue } from "./problems";

/** Rules of Auto Scaling, instance refresh, blue/green and staged promotion that span several fields. */
export function rolloutProblems(config: Config): Problem[] {
  return [
    ...serviceLinkedRoleProblems(config),
    ...publishedParameterProblems(config),
    // A retired workload's stack creates nothing: only what others need from it is checked (below).
    ...config.workloads.flatMap((workload, i) =>
      workload.retired
        ? []
        : [
            ...distributedRegionProblems(config, workload, `workloads[${i}].region`),
            ...autoScalingProblems(workload, `workloads[${i}].auto_scaling`),
            ...refreshProblems(workload, `workloads[${i}].auto_scaling`),
            ...promotionProblems(config, workload, `workloads[${i}]`),
            ...blueGreenProblems(workload, `workloads[${i}]`),
          ],
    ),
  ];
}

/** Two workloads publishing the same SSM parameter in one account and region: the second fails at apply. */
function publishedParameterProblems(config: Config): Problem[] {
  const publishes = (w: WorkloadConfig) => w.publish_ami_parameter && !w.blue_green;
  return config.workloads.flatMap((workload, i) => {
    if (!publishes(workload)) return [];
    const first = config.workloads.findIndex(
      (w) =>
        publishes(w) &&
        w.image === workload.image &&
        w.environment === workload.environment &&
        w.account_id === workload.account_id &&
        w.region === workload.region,
    );
    return first === i
      ? []
      : [
          {
            path: `workloads[${i}].publish_ami_parameter`,
            message: `got true, but workloads[${first}] (${config.workloads[first].name}) already publishes ${amiParameterName(workload.image, workload.environment)} in account ${workload.account_id}, ${workload.region}; expected false on all but one workload of image ${workload.image} in ${workload.environment}`,
          },
        ];
  });
}

/** Two stacks creating AWSServiceRoleForAutoScaling in one account: the second fails at apply. */
function serviceLinkedRoleProblems(config: Config): Problem[] {
  return config.workloads.flatMap((workload, i) => {
    if (workload.auto_scaling.service_linked_role !== "create") return [];
    const first = config.workloads.findIndex((w) => w.account_id === workload.account_id && w.auto_scaling.service_linked_role === "create");
    const user = config.workloads.find((w) => w.account_id === workload.account_id && !w.retired && w.auto_scaling.enabled);
    if (workload.retired && user)
      return [
        {
          path: `workloads[${i}].auto_scaling.service_linked_role`,
          message: `got "create" on a retired workload, but ${user.name} still runs Auto Scaling in account ${workload.account_id}: the destroy plan would delete AWSServiceRoleForAutoScaling under it; expected "existing" here and "create" on ${user.name} (import the role there first)`,
        },
      ];
    return first === i
      ? []
      : [
          {
            path: `workloads[${i}].auto_scaling.service_linked_role`,
            message: `got "create", but workloads[${first}] (${config.workloads[first].name}) already creates AWSServiceRoleForAutoScaling in account ${workload.account_id}; expected "existing" (a role exists once per account)`,
          },
        ];
  });
}

function autoScalingProblems(workload: WorkloadConfig, path: string): Problem[] {
  const group = workload.auto_scaling;
  if (!group.enabled) return [];
  const problems: Problem[] = [];
  if (!group.subnet_ids)
    problems.push({ path: `${path}.subnet_ids`, message: "got nothing, expected the subnets of the Auto Scaling group (or auto_scaling.enabled: false)" });
  if (group.min_size > group.max_size)
    problems.push({ path: `${path}.min_size`, message: `got ${group.min_size}, expected at most max_size (${group.max_size})` });
  if (group.desired_capacity !== undefined && (group.desired_capacity < group.min_size || group.desired_capacity > group.max_size)) {
    problems.push({
      path: `${path}.desired_capacity`,
      message: `got ${group.desired_capacity}, expected between min_size ${group.min_size} and max_size ${group.max_size}`,
    });
  }
  if (group.health_check_type === "ELB" && group.target_group_arns.length === 0 && !workload.blue_green) {
    problems.push({ path: `${path}.health_check_type`, message: 'got "ELB", expected target_group_arns (or blue_green) for the load balancer to check' });
  }
  return problems;
}

function refreshProblems(workload: WorkloadConfig, path: string): Problem[] {
  const group = workload.auto_scaling;
  const refresh = group.instance_refresh;
  if (!group.enabled || !refresh.enabled) return [];
  const problems: Problem[] = [];
  if (refresh.auto_rollback) {
    problems.push({
      path: `${path}.instance_refresh.auto_rollback`,
      message:
        "got true, expected false: Terraform updates the group to the new launch template version before the refresh starts, so AWS would roll back to that same new version (terraform-provider-aws #34189). To go back, pin the previous AMI (ami: { source: pinned, image_id: ami-… }) and apply: a new template version on the old AMI rolls the fleet back",
    });
  }
  const version = group.launch_template_version;
  if (version !== "latest") {
    problems.push({
      path: `${path}.launch_template_version`,
      message: `got ${showValue(version)}, expected "latest": with ${version} the group's configuration never changes, so an instance refresh never starts`,
    });
  }
  if (refresh.max_healthy_percentage - refresh.min_healthy_percentage > 100) {
    problems.push({
      path: `${path}.instance_refresh.max_healthy_percentage`,
      message: `got ${refresh.max_healthy_percentage}, expected at most min_healthy_percentage + 100 (${refresh.min_healthy_percentage + 100})`,
    });
  }
  const checkpoints = refresh.checkpoint_percentages;
  if (checkpoints.length > 0) {
    const ascending = checkpoints.every((value, i) => i === 0 || value > checkpoints[i - 1]);
    if (!ascending || checkpoints[checkpoints.length - 1] !== 100) {
      problems.push({
        path: `${path}.instance_refresh.checkpoint_percentages`,
        message: `got ${showValue(checkpoints)}, expected unique percentages in ascending order ending at 100, such as [20, 50, 100]`,
      });
    }
  }
  return problems;
}

function promotionProblems(config: Config, workload: WorkloadConfig, path: string): Problem[] {
  const sources = [
    { ami: workload.ami, path: `${path}.ami` },
    ...(["blue", "green"] as const).flatMap((colour) => {
      const ami = workload.blue_green?.[colour]?.ami;
      return ami ? [{ ami, path: `${path}.blue_green.${colour}.ami` }] : [];
    }),
  ];
  return sources.flatMap(({ ami, path: amiPath }) => {
    if (ami.source !== "environment") return [];
    const leader = config.workloads.find((w) => w.image === workload.image && w.environment === ami.environment && w.name !== workload.name);
    if (!leader) {
      return [
        {
          path: `${amiPath}.environment`,
          message: `got ${showValue(ami.environment)}, expected the environment of another workload running image "${workload.image}"`,
        },
      ];
    }
    if (leader.account_id !== workload.account_id || leader.region !== workload.region) {
      return [
        {
          path: `${amiPath}.environment`,
          message: `got ${showValue(ami.environment)}, but workload "${leader.name}" runs in ${leader.account_id}/${leader.region}; expected one in ${workload.account_id}/${workload.region}, where its SSM parameter can be read (use source: pinned across accounts)`,
        },
      ];
    }
    if (leader.retired) {
      return [
        {
          path: `${amiPath}.environment`,
          message: `got ${showValue(ami.environment)}, but workload "${leader.name}" is retired: its destroy plan removes the SSM parameter this reads; expected another source (a channel, or pinned)`,
        },
      ];
    }
    if (!leader.publish_ami_parameter || leader.blue_green) {
      return [
        {
          path: `${amiPath}.environment`,
          message: `got ${showValue(ami.environment)}, but workload "${leader.name}" does not publish the AMI it runs (publish_ami_parameter, rolling strategy)`,
        },
      ];
    }
    return [];
  });
}

function blueGreenProblems(workload: WorkloadConfig, path: string): Problem[] {
  const blueGreen = workload.blue_green;
  if (!blueGreen) return [];
  const problems: Problem[] = [];
  if (!workload.auto_scaling.enabled)
    problems.push({ path: `${path}.auto_scaling.enabled`, message: "got false, expected true: blue/green runs two Auto Scaling groups" });
  for (const colour of ["blue", "green"] as const) {
    const group = blueGreen[colour];
    if (group && group.min_size > group.max_size) {
      problems.push({ path: `${path}.blue_green.${colour}.min_size`, message: `got ${group.min_size}, expected at most max_size (${group.max_size})` });
    }
  }
  return problems;
}

/** A workload runs its image's AMIs only in a region the image is distributed to (and the key replicated to). */
function distributedRegionProblems(config: Config, workload: Config["workloads"][number], path: string): Problem[] {
  const image = config.images.find((i) => i.name === workload.image);
  if (!image) return [];
  const regions = image.distribution.regions ?? [config.shared.region];
  if (regions.includes(workload.region)) return [];
  return [
    {
      path,
      message: `got "${workload.region}", but image "${image.name}" is distributed to ${regions.join(", ")} only; expected one of those, or add ${workload.region} to images[].distribution.regions`,
    },
  ];
}
