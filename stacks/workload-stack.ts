import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Fn, ITerraformDependable, TerraformAsset, TerraformLocal, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { AmiSourceConfig, Config, WorkloadConfig } from "../config/schema";
import { amiParameterName } from "../conventions/ami-names";
import {
  BlueGreenFleet,
  EgressOnlySecurityGroup,
  LatestSharedAmi,
  PinnedSharedAmi,
  RollingAutoScalingGroup,
  RollingAutoScalingGroupProps,
  RollingLaunchTemplate,
  RollingLaunchTemplateProps,
  SharedAmiKeyGrant,
} from "../constructs";
import { CredentialMode, credentialsFor, partitionOf, rolePair, stackProfile } from "../config/roles";
import { channelEntry, revokedBuilds, type Channels, type Revocation } from "../config/supply-chain";
import { awsProvider, configureState, StateLocation } from "./stack-foundation";
import { stackTags } from "../conventions/names";

export interface WorkloadStackProps {
  readonly config: Config;
  readonly workload: WorkloadConfig;
  readonly state: StateLocation;
  /** Absolute path of the workload's cloud-init template. @default - no user data */
  readonly userDataTemplate?: string;
  /** @default "deploy" */
  readonly credentials?: CredentialMode;
  /** Channels of the supply chain (image → channel → AMI). @default - none */
  readonly channels?: Channels;
  /** Revoked AMIs, their reasons escaped for Terraform. @default - none */
  readonly revocations?: ReadonlyArray<Revocation>;
}

type SharedAmi = LatestSharedAmi | PinnedSharedAmi;

/** One workload account/region/environment: shared AMIs in launch templates and Auto Scaling groups. */
export class WorkloadStack extends TerraformStack {
  /** The rolling strategy's AMI, template and group (blue/green has one of each per colour). */
  readonly ami?: SharedAmi;
  readonly launchTemplate?: RollingLaunchTemplate;
  readonly group?: RollingAutoScalingGroup;
  readonly blueGreen?: BlueGreenFleet;

  constructor(scope: Construct, id: string, props: WorkloadStackProps) {
    super(scope, id);
    const { workload } = props;
    configureState(this, id, props.state);
    this.provider(id, props);
    // Retired: state and provider only, so the plan destroys what the state holds, as a reviewed change.
    if (workload.retired) return;

    // The AMI lookups first: the key is read after them, so an account the image is not shared with
    // fails on the lookup's message (who the image is shared with, the fix), not on the key's AccessDenied.
    const rollingAmi = workload.blue_green ? undefined : sharedAmi(this, "Ami", props, workload.ami);
    const colourAmis = Object.fromEntries(
      (["blue", "green"] as const).flatMap((colour) => {
        const c = workload.blue_green?.[colour];
        return c ? [[colour, sharedAmi(this, `Ami-${colour}`, props, c.ami)]] : [];
      }),
    ) as Partial<Record<"blue" | "green", SharedAmi>>;
    const lookups = [rollingAmi, ...Object.values(colourAmis)].flatMap((ami) => (ami ? [ami.candidates] : []));
    const keyGrant = this.keyGrant(props, lookups);
    const launchTemplate = this.launchTemplateProps(props);
    if (workload.blue_green) {
      this.blueGreen = this.blueGreenFleet(workload, launchTemplate, keyGrant, colourAmis);
      return;
    }
    const rolling = this.rollingFleet(workload, rollingAmi!, launchTemplate, keyGrant);
    this.ami = rollingAmi;
    this.launchTemplate = rolling.launchTemplate;
    this.group = rolling.group;
  }

  /** The AWS provider of the workload's account and region, with the role of the run's purpose. */
  private provider(id: string, { config, workload, credentials }: WorkloadStackProps): void {
    awsProvider(this, {
      region: workload.region,
      accountId: workload.account_id,
      credentials: credentialsFor(
        credentials ?? "deploy",
        rolePair(
          workload,
          workload.account_id,
          partitionOf(config.organization.arn),
          config.ci_roles,
          `workloads[${config.workloads.indexOf(workload)}] (${workload.name})`,
        ),
        stackProfile(id),
      ),
      sessionName: `golden-ami-${workload.name}`,
      defaultTags: { ...config.tags, ...workload.tags, ...stackTags(id), Environment: workload.environment },
    });
  }

  /** Instances from AMIs under a customer-managed key launch only once the grant exists (after the lookups). */
  private keyGrant({ config, workload }: WorkloadStackProps, lookups: ITerraformDependable[]): SharedAmiKeyGrant | undefined {
    const amiKey = workload.auto_scaling.enabled ? amiKeyOf(config, workload) : undefined;
    if (!amiKey) return undefined;
    const partition = new DataAwsPartition(this, "partition").partition;
    return new SharedAmiKeyGrant(this, "SharedAmiKeyGrant", {
      keyArn: "arn" in amiKey ? amiKey.arn : `arn:${partition}:kms:${workload.region}:${config.shared.account_id}:alias/${amiKey.alias}`,
      workloadAccountId: workload.account_id,
      partition,
      grantName: `golden-ami-autoscaling-${workload.name}`,
      createServiceLinkedRole: workload.auto_scaling.service_linked_role === "create",
      after: lookups,
    });
  }

  /** What every launch template of the workload shares (the AMI and name prefix are each template's). */
  private launchTemplateProps({ workload, userDataTemplate }: WorkloadStackProps): Omit<RollingLaunchTemplateProps, "imageId" | "namePrefix"> {
    const securityGroupIds = workload.network.security_group_ids ?? [
      new EgressOnlySecurityGroup(this, "SecurityGroup", {
        vpcId: workload.network.vpc_id,
        namePrefix: workload.name,
        description: `Instances of ${workload.name}: no ingress, HTTPS out`,
      }).securityGroup.id,
    ];
    return {
      instanceType: workload.instance_type,
      rootVolume: {
        deviceName: workload.root_volume.device_name,
        sizeGib: workload.root_volume.size_gib,
        volumeType: workload.root_volume.volume_type,
        kmsKeyId: workload.root_volume.kms_key_arn,
      },
      securityGroupIds,
      userDataBase64: userDataTemplate && workload.user_data ? renderUserData(this, userDataTemplate, workload.user_data.variables) : undefined,
      tags: { Workload: workload.name, Image: workload.image },
    };
  }

  /** The rolling strategy: one launch template on the AMI, one group that refreshes onto each new version. */
  private rollingFleet(
    workload: WorkloadConfig,
    ami: SharedAmi,
    launchTemplateProps: Omit<RollingLaunchTemplateProps, "imageId" | "namePrefix">,
    keyGrant: SharedAmiKeyGrant | undefined,
  ): { launchTemplate: RollingLaunchTemplate; group?: RollingAutoScalingGroup } {
    const launchTemplate = new RollingLaunchTemplate(this, "LaunchTemplate", { ...launchTemplateProps, namePrefix: workload.name, imageId: ami.imageId });
    const group = workload.auto_scaling.enabled
      ? new RollingAutoScalingGroup(this, "AutoScalingGroup", {
          ...groupProps(workload, keyGrant),
          name: workload.name,
          launchTemplate,
          minSize: workload.auto_scaling.min_size,
          maxSize: workload.auto_scaling.max_size,
          desiredCapacity: workload.auto_scaling.desired_capacity,
          targetGroupArns: workload.auto_scaling.target_group_arns,
        })
      : undefined;
    if (workload.publish_ami_parameter) {
      new SsmParameter(this, "RunningAmi", {
        name: amiParameterName(workload.image, workload.environment),
        description: `AMI of image ${workload.image} that ${workload.name} runs; environments that follow ${workload.environment} read it`,
        type: "String",
        value: launchTemplate.launchTemplate.imageId,
      });
    }
    new TerraformOutput(this, "ami_id", { value: ami.imageId, description: "AMI the launch template runs" });
    new TerraformOutput(this, "ami_name", { value: ami.imageName });
    new TerraformOutput(this, "launch_template_id", { value: launchTemplate.id });
    new TerraformOutput(this, "launch_template_latest_version", { value: launchTemplate.latestVersion });
    if (group) new TerraformOutput(this, "auto_scaling_group_name", { value: group.group.name });
    return { launchTemplate, group };
  }

  private blueGreenFleet(
    workload: WorkloadConfig,
    launchTemplate: Omit<RollingLaunchTemplateProps, "imageId" | "namePrefix">,
    keyGrant: SharedAmiKeyGrant | undefined,
    amis: Partial<Record<"blue" | "green", SharedAmi>>,
  ): BlueGreenFleet {
    const settings = workload.blue_green!;
    const colours = Object.fromEntries(
      (["blue", "green"] as const).flatMap((colour) => {
        const c = settings[colour];
        const ami = amis[colour];
        if (!c || !ami) return [];
        new TerraformOutput(this, `${colour}_ami_id`, { value: ami.imageId });
        return [[colour, { imageId: ami.imageId, serves: c.serves, minSize: c.min_size, maxSize: c.max_size }]];
      }),
    );
    const fleet = new BlueGreenFleet(this, "BlueGreen", {
      name: workload.name,
      vpcId: workload.network.vpc_id,
      port: settings.port,
      healthCheckPath: settings.health_check_path,
      colours,
      launchTemplate,
      group: groupProps(workload, keyGrant),
    });
    new TerraformOutput(this, "production_target_group_arn", { value: fleet.targetGroups.production.arn });
    new TerraformOutput(this, "verification_target_group_arn", { value: fleet.targetGroups.verification.arn });
    return fleet;
  }
}

/** Group settings shared by the rolling group and both blue/green colours. */
function groupProps(
  workload: WorkloadConfig,
  keyGrant: SharedAmiKeyGrant | undefined,
): Omit<RollingAutoScalingGroupProps, "launchTemplate" | "name" | "minSize" | "maxSize"> {
  const group = workload.auto_scaling;
  const refresh = group.instance_refresh;
  return {
    launchTemplateVersion: group.launch_template_version,
    subnetIds: group.subnet_ids ?? [],
    healthCheckType: workload.blue_green ? "ELB" : group.health_check_type,
    healthCheckGracePeriodSeconds: group.health_check_grace_period_seconds,
    instanceRefresh: refresh.enabled
      ? {
          minHealthyPercentage: refresh.min_healthy_percentage,
          maxHealthyPercentage: refresh.max_healthy_percentage,
          instanceWarmupSeconds: refresh.instance_warmup_seconds,
          checkpointPercentages: refresh.checkpoint_percentages,
          checkpointDelaySeconds: refresh.checkpoint_delay_seconds,
          autoRollback: refresh.auto_rollback,
          skipMatching: refresh.skip_matching,
        }
      : undefined,
    // Auto Scaling groups take no provider default tags: the stack tags are set here (golden-ami orphans finds groups by them).
    tags: { Workload: workload.name, ...stackTags(workload.name) },
    dependsOn: keyGrant ? [keyGrant.grant] : undefined,
  };
}

/**
 * The key that encrypts the image's AMIs in the workload's region: the organization key's alias (the
 * shared stack replicates it to every distribution region), or the image's own key for that region.
 */
function amiKeyOf(config: WorkloadStackProps["config"], workload: WorkloadConfig): { alias: string } | { arn: string } | undefined {
  if (config.ami_encryption.enabled) return { alias: config.ami_encryption.key_alias };
  const distribution = config.images.find((i) => i.name === workload.image)?.distribution;
  if (!distribution?.kms_key_arn) return undefined;
  const arn = workload.region === config.shared.region ? distribution.kms_key_arn : distribution.region_kms_key_arns[workload.region];
  // Validation requires a key for every distribution region; a workload elsewhere is refused too.
  if (!arn) throw new Error(`image ${workload.image} has no key for ${workload.region}; load the configuration with loadConfig()`);
  return { arn };
}

/** The AMI a workload (or colour) runs: the newest, a pinned one, another environment's, or a channel's. */
function sharedAmi(scope: Construct, id: string, stack: WorkloadStackProps, source: AmiSourceConfig): SharedAmi {
  const { config, workload } = stack;
  const imageIndex = config.images.findIndex((i) => i.name === workload.image);
  const permissions = config.images[imageIndex]?.distribution.launch_permissions;
  const props = {
    imageName: workload.image,
    ownerAccountId: config.shared.account_id,
    revoked: revokedBuilds(stack.revocations ?? [], workload.image),
    sharing: permissions && {
      organizationArns: permissions.organization ? [config.organization.arn] : [],
      organizationalUnitArns: permissions.organizational_units,
      accountIds: permissions.accounts,
      consumerAccountId: workload.account_id,
      field: `images[${imageIndex}].distribution.launch_permissions`,
    },
  };
  switch (source.source) {
    case "latest":
      return new LatestSharedAmi(scope, id, props);
    case "pinned":
      return new PinnedSharedAmi(scope, id, {
        ...props,
        match: { imageId: source.image_id },
        knownBuild: stack.revocations?.find((r) => r.ami_id === source.image_id)?.ami_name,
        origin: `${source.image_id} (pinned in the configuration)`,
      });
    case "environment": {
      const name = amiParameterName(workload.image, source.environment);
      const parameter = new DataAwsSsmParameter(scope, `${id}-${source.environment}`, { name });
      return new PinnedSharedAmi(scope, id, {
        ...props,
        match: { imageId: parameter.insecureValue },
        origin: `that ${source.environment} runs (SSM parameter ${name})`,
      });
    }
    case "channel": {
      // Validation guarantees the channel exists; the lookup finds this region's copy of the build by
      // name, and checks owner, state and deprecation at plan time.
      const entry = channelEntry(stack.channels, workload.image, source.channel);
      if (!entry) throw new Error(`channel ${source.channel} of image ${workload.image} is missing; load the configuration with loadConfig()`);
      return new PinnedSharedAmi(scope, id, {
        ...props,
        match: { amiName: entry.ami_name },
        origin: `${entry.ami_name} of channel ${source.channel}, promoted from ${entry.promoted_from} at ${entry.promoted_at}`,
        includeDeprecated: false,
      });
    }
  }
}

/**
 * Terraform renders the template at plan time, so a changed variable is an ordinary diff. The
 * variables live in a local (plain JSON strings, escaped like all configuration text), not inline in
 * the templatefile() call, where cdktf would not escape quotes or "%{" in them.
 */
function renderUserData(scope: Construct, templatePath: string, variables: Record<string, string>): string {
  const asset = new TerraformAsset(scope, "UserDataTemplate", { path: templatePath });
  const values = new TerraformLocal(scope, "user_data_variables", variables);
  return Fn.base64encode(Fn.templatefile(asset.path, values.expression));
}
