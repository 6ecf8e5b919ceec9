import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { RollingLaunchTemplate } from "./rolling-launch-template";

export interface InstanceRefreshProps {
  /** @default 90 */
  readonly minHealthyPercentage?: number;
  /** @default 100 */
  readonly maxHealthyPercentage?: number;
  /** @default 300 */
  readonly instanceWarmupSeconds?: number;
  /** Ascending, ending at 100. @default - none */
  readonly checkpointPercentages?: ReadonlyArray<number>;
  /** @default 3600 */
  readonly checkpointDelaySeconds?: number;
  /**
   * Keep false with Terraform: the provider updates the group to the new launch template version
   * before it starts the refresh, so a rollback returns to that same new version
   * (terraform-provider-aws #34189). Go back by pinning the previous AMI instead. @default false
   */
  readonly autoRollback?: boolean;
  /** @default true - instances already on the new version are kept */
  readonly skipMatching?: boolean;
}

export interface RollingAutoScalingGroupProps {
  /**
   * The group's name, unique per account and region. A fixed name (not a prefix) makes a create
   * that an interrupted apply already did fail loudly instead of leaving a second group.
   */
  readonly name: string;
  readonly launchTemplate: RollingLaunchTemplate;
  /**
   * "latest" follows the template's latest_version, so each new version changes the group and starts
   * a refresh; "$Latest" and "$Default" never change the group. @default "latest"
   */
  readonly launchTemplateVersion?: "latest" | "$Latest" | "$Default";
  readonly subnetIds: ReadonlyArray<string>;
  readonly minSize: number;
  readonly maxSize: number;
  /**
   * Set it and the configuration owns the desired capacity; leave it out and scaling owns it (changes
   * by scaling are never a diff). @default - minSize at creation, then scaling's
   */
  readonly desiredCapacity?: number;
  /** @default - none */
  readonly targetGroupArns?: ReadonlyArray<string>;
  /** @default "EC2" */
  readonly healthCheckType?: "EC2" | "ELB";
  /** @default 300 */
  readonly healthCheckGracePeriodSeconds?: number;
  /** Rolling instance refresh on every new launch template version. @default - no refresh */
  readonly instanceRefresh?: InstanceRefreshProps;
  /** Propagated to instances. @default - none */
  readonly tags?: Record<string, string>;
  /** What must exist before the group launches anything, such as the KMS grant of its AMI key. @default - none */
  readonly dependsOn?: ReadonlyArray<ITerraformDependable>;
}

/** An Auto Scaling group that rolls onto every new version of its launch template. */
export class RollingAutoScalingGroup extends Construct {
  readonly group: AutoscalingGroup;

  constructor(scope: Construct, id: string, props: RollingAutoScalingGroupProps) {
    super(scope, id);
    const version = props.launchTemplateVersion ?? "latest";
    const refresh = props.instanceRefresh;
    this.group = new AutoscalingGroup(this, "Resource", {
      name: props.name,
      vpcZoneIdentifier: [...props.subnetIds],
      minSize: props.minSize,
      maxSize: props.maxSize,
      desiredCapacity: props.desiredCapacity,
      launchTemplate: {
        id: props.launchTemplate.id,
        version: version === "latest" ? Token.asString(props.launchTemplate.latestVersion) : version,
      },
      targetGroupArns: [...(props.targetGroupArns ?? [])],
      healthCheckType: props.healthCheckType ?? "EC2",
      healthCheckGracePeriod: props.healthCheckGracePeriodSeconds ?? 300,
      instanceRefresh: refresh && {
        strategy: "Rolling",
        preferences: {
          minHealthyPercentage: refresh.minHealthyPercentage ?? 90,
          maxHealthyPercentage: refresh.maxHealthyPercentage ?? 100,
          instanceWarmup: String(refresh.instanceWarmupSeconds ?? 300),
          checkpointPercentages: refresh.checkpointPercentages?.length ? [...refresh.checkpointPercentages] : undefined,
          checkpointDelay: refresh.checkpointPercentages?.length ? String(refresh.checkpointDelaySeconds ?? 3600) : undefined,
          autoRollback: refresh.autoRollback ?? false,
          skipMatching: refresh.skipMatching ?? true,
        },
      },
      dependsOn: props.dependsOn?.length ? [...props.dependsOn] : undefined,
      tag: Object.entries({ Name: props.name, ...props.tags }).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
      // Left to scaling, the desired capacity moves on its own; that is not drift to undo. (Owned by the
      // configuration, it must not be ignored: after a size change the provider waits for the planned value.)
      lifecycle: props.desiredCapacity === undefined ? { ignoreChanges: ["desired_capacity"] } : undefined,
    });
  }
}
