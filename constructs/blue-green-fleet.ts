import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Construct } from "constructs";
import { boundedName } from "./aws-names";
import { RollingAutoScalingGroup, RollingAutoScalingGroupProps } from "./rolling-auto-scaling-group";
import { RollingLaunchTemplate, RollingLaunchTemplateProps } from "./rolling-launch-template";

export type Colour = "blue" | "green";
export type Traffic = "production" | "verification";

export interface ColourProps {
  readonly imageId: string;
  /** Target groups this colour's instances are registered with. */
  readonly serves: ReadonlyArray<Traffic>;
  readonly minSize: number;
  readonly maxSize: number;
}

export interface BlueGreenFleetProps {
  /** Names the target groups (trimmed to AWS's 32 characters), templates and groups. */
  readonly name: string;
  readonly vpcId: string;
  /** @default 80 */
  readonly port?: number;
  /** @default "/" */
  readonly healthCheckPath?: string;
  /** A colour left out has no template and no group. */
  readonly colours: Partial<Record<Colour, ColourProps>>;
  /** Everything a colour's launch template shares with the other colour's. */
  readonly launchTemplate: Omit<RollingLaunchTemplateProps, "imageId" | "namePrefix">;
  /** Everything a colour's group shares with the other colour's. */
  readonly group: Omit<RollingAutoScalingGroupProps, "launchTemplate" | "name" | "minSize" | "maxSize" | "desiredCapacity" | "targetGroupArns">;
}

/**
 * Blue/green as the AWS whitepaper "Blue/Green Deployments on AWS" swaps Auto Scaling groups: two groups, each with its own launch template and AMI, behind a production
 * and a verification target group. Each step of a swap is one change of `colours`.
 */
export class BlueGreenFleet extends Construct {
  readonly targetGroups: Record<Traffic, LbTargetGroup>;
  readonly launchTemplates: Partial<Record<Colour, RollingLaunchTemplate>> = {};
  readonly groups: Partial<Record<Colour, RollingAutoScalingGroup>> = {};

  constructor(scope: Construct, id: string, props: BlueGreenFleetProps) {
    super(scope, id);
    const targetGroup = (traffic: Traffic, suffix: string) =>
      new LbTargetGroup(this, `${traffic}-target-group`, {
        // Target group names: 32 characters at most, unique per account and region.
        name: boundedName(`${props.name}-${suffix}`, 32),
        vpcId: props.vpcId,
        port: props.port ?? 80,
        protocol: "HTTP",
        targetType: "instance",
        deregistrationDelay: "30",
        healthCheck: { path: props.healthCheckPath ?? "/", matcher: "200-399" },
      });
    this.targetGroups = { production: targetGroup("production", "prod"), verification: targetGroup("verification", "verify") };

    for (const colour of ["blue", "green"] as const) {
      const settings = props.colours[colour];
      if (!settings) continue;
      const launchTemplate = new RollingLaunchTemplate(this, `${colour}-launch-template`, {
        ...props.launchTemplate,
        namePrefix: `${props.name}-${colour}`,
        imageId: settings.imageId,
        tags: { ...props.launchTemplate.tags, Colour: colour },
      });
      this.launchTemplates[colour] = launchTemplate;
      this.groups[colour] = new RollingAutoScalingGroup(this, `${colour}-group`, {
        ...props.group,
        name: `${props.name}-${colour}`,
        launchTemplate,
        minSize: settings.minSize,
        maxSize: settings.maxSize,
        // A colour is sized by the reviewed steps (scale blue to zero), not by scaling policies.
        desiredCapacity: settings.minSize,
        targetGroupArns: settings.serves.map((traffic) => this.targetGroups[traffic].arn),
        tags: { ...props.group.tags, Colour: colour },
      });
    }
  }
}
