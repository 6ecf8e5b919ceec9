import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { RETAIN_TAG, stackTags } from "../conventions/names";
import type { ComponentSource } from "../config/load";
import type { Config, ImageConfig } from "../config/schema";
import { provenanceTags } from "../conventions/ami-names";
import {
  GoldenImagePipeline,
  ImageBuilderInstanceProfile,
  ImageBuilderNotifications,
  ImageLifecyclePolicy,
  LifecycleExecutionRole,
  RetainedAmis,
  SharedAmiKey,
} from "../constructs";
import { CredentialMode, credentialsFor, partitionOf, rolePair, stackProfile } from "../config/roles";
import { awsProvider, configureState, StateLocation } from "./stack-foundation";

export interface SharedImageStackProps {
  readonly config: Config;
  readonly components: ReadonlyMap<string, ComponentSource>;
  readonly state: StateLocation;
  /** Commit recorded on every AMI built from this configuration. @default - no SourceCommit tag */
  readonly commit?: string;
  /** Every recipe version of each image still worth managing, newest first (from the recipe lock). @default - the current version */
  readonly recipeVersions?: ReadonlyMap<string, ReadonlyArray<string>>;
  /** @default "deploy" */
  readonly credentials?: CredentialMode;
  /**
   * What channels serve (builds, by AMI name: every region's copy) and what workloads pin (ids, per
   * region): tagged so the lifecycle policy keeps them, whatever their age. @default - none
   */
  readonly retained?: { readonly builds: ReadonlyArray<string>; readonly pins: ReadonlyArray<{ readonly region: string; readonly amiId: string }> };
}

/** The shared (tooling) account: one Image Builder pipeline per image, shared with the organization. */
export class SharedImageStack extends TerraformStack {
  readonly pipelines: ReadonlyMap<string, GoldenImagePipeline>;
  readonly notifications: ImageBuilderNotifications;
  /** The organization's AMI key, when ami_encryption is enabled. */
  readonly amiKey?: SharedAmiKey;

  constructor(scope: Construct, id: string, props: SharedImageStackProps) {
    super(scope, id);
    const { config } = props;
    configureState(this, id, props.state);
    const provider = {
      accountId: config.shared.account_id,
      credentials: credentialsFor(
        props.credentials ?? "deploy",
        rolePair(config.shared, config.shared.account_id, partitionOf(config.organization.arn), config.ci_roles, "shared"),
        stackProfile(id),
      ),
      sessionName: "golden-ami-shared",
      defaultTags: { ...config.tags, ...stackTags(id) },
    };
    awsProvider(this, { ...provider, region: config.shared.region });
    const partition = new DataAwsPartition(this, "partition");
    // One provider per other distribution region: replica keys and retain tags live there.
    const otherRegions = [...new Set(config.images.flatMap((image) => image.distribution.regions ?? []))].filter((r) => r !== config.shared.region);
    const regionProviders = new Map(otherRegions.map((region) => [region, awsProvider(this, { ...provider, region, alias: region })]));
    if (config.ami_encryption.enabled) {
      this.amiKey = new SharedAmiKey(this, "AmiKey", {
        alias: config.ami_encryption.key_alias,
        accountId: config.shared.account_id,
        organizationId: config.organization.arn.split("/").pop()!,
        partition,
        region: config.shared.region,
        replicaProviders: Object.fromEntries(regionProviders),
      });
    }
    const lifecycleRole = config.images.some((i) => i.lifecycle.enabled)
      ? new LifecycleExecutionRole(this, "LifecycleRole", { name: "golden-ami-lifecycle", partition })
      : undefined;
    const buildProfile = new ImageBuilderInstanceProfile(this, "BuildInstanceProfile", { name: "golden-ami-image-builder", partition });
    this.notifications = new ImageBuilderNotifications(this, "Notifications", {
      name: "golden-ami-image-builder",
      accountId: config.shared.account_id,
      partition,
      states: config.notifications.states,
      slack: config.notifications.slack && { workspaceId: config.notifications.slack.workspace_id, channelId: config.notifications.slack.channel_id },
    });

    this.pipelines = new Map(
      config.images.map((image) => [
        image.name,
        new GoldenImagePipeline(this, `Image-${image.name}`, {
          ...pipelineProps(image, props, buildProfile, partition),
          ...(this.amiKey && { amiKmsKeyId: this.amiKey.key.arn, distributionKmsKeyIds: this.amiKey.arnByRegion }),
        }),
      ]),
    );
    if (lifecycleRole) this.lifecyclePolicies(props, lifecycleRole);
    this.retainedAmis(props, [config.shared.region, ...otherRegions], regionProviders);
    for (const [name, image] of this.pipelines) {
      new TerraformOutput(this, `${name}_pipeline_arn`, { value: image.pipeline.arn, description: `Image Builder pipeline of ${name}` });
      new TerraformOutput(this, `${name}_ami_name_template`, { value: image.amiNameTemplate, description: `Name of every AMI of ${name}` });
    }
  }

  /** Each image's lifecycle: deprecate and delete old builds, never one tagged as retained. */
  private lifecyclePolicies({ config, recipeVersions }: SharedImageStackProps, executionRole: LifecycleExecutionRole): void {
    for (const image of config.images) {
      if (!image.lifecycle.enabled) continue;
      new ImageLifecyclePolicy(this, `Lifecycle-${image.name}`, {
        imageName: image.name,
        recipe: { name: image.name, versions: recipeVersions?.get(image.name) ?? [image.version] },
        executionRole,
        deprecateBeyondNewest: image.lifecycle.deprecate_beyond_newest,
        deleteBeyondNewest: image.lifecycle.delete_beyond_newest,
        keepIfLaunchedWithinDays: image.lifecycle.keep_if_launched_within_days,
        retainTag: RETAIN_TAG,
      });
    }
  }

  /** The retain tag, in every distribution region, on the builds channels serve and the AMIs workloads pin. */
  private retainedAmis({ config, retained }: SharedImageStackProps, regions: ReadonlyArray<string>, providers: ReadonlyMap<string, AwsProvider>): void {
    if (!retained || (retained.builds.length === 0 && retained.pins.length === 0)) return;
    for (const region of regions) {
      new RetainedAmis(this, `Retain-${region}`, {
        ownerAccountId: config.shared.account_id,
        tagKey: RETAIN_TAG,
        builds: retained.builds,
        amiIds: retained.pins.filter((pin) => pin.region === region).map((pin) => pin.amiId),
        provider: providers.get(region),
      });
    }
  }
}

function pipelineProps(image: ImageConfig, props: SharedImageStackProps, profile: ImageBuilderInstanceProfile, partition: DataAwsPartition) {
  const { config, components } = props;
  const permissions = image.distribution.launch_permissions;
  return {
    imageName: image.name,
    description: image.description,
    version: image.version,
    parentImage: image.parent_image,
    components: image.components.map((ref) => {
      const source = components.get(ref.file);
      if (!source) throw new Error(`component ${ref.file} was not loaded; load the configuration with loadConfig()`);
      return { name: source.document.name, data: source.text, description: source.document.description, parameters: ref.parameters };
    }),
    blockDevices: image.block_devices.map((device) => ({
      deviceName: device.device_name,
      volumeSizeGib: device.volume_size_gib,
      volumeType: device.volume_type,
      iops: device.iops,
      throughputMibps: device.throughput_mibps,
      deleteOnTermination: device.delete_on_termination,
    })),
    rootDeviceName: image.root_device_name,
    instanceProfile: profile.instanceProfile,
    partition,
    region: config.shared.region,
    instanceTypes: image.instance_types,
    vpcId: image.network.vpc_id,
    subnetId: image.network.subnet_id,
    securityGroupIds: image.network.security_group_ids,
    schedule: image.schedule && { cron: image.schedule.cron, timezone: image.schedule.timezone, startCondition: image.schedule.start_condition },
    testsEnabled: image.tests.enabled,
    testTimeoutMinutes: image.tests.timeout_minutes,
    distributionRegions: image.distribution.regions ?? [config.shared.region],
    launchPermissions: {
      organizationArns: permissions.organization ? [config.organization.arn] : [],
      organizationalUnitArns: permissions.organizational_units,
      accountIds: permissions.accounts,
    },
    amiTags: distributedAmiTags(image, props.commit),
    amiKmsKeyId: image.distribution.kms_key_arn,
    distributionKmsKeyIds: image.distribution.kms_key_arn ? image.distribution.region_kms_key_arns : undefined,
    tags: imageResourceTags(image.name),
  };
}

/** Tags on an image's Image Builder resources (for people and cost reports; lifecycle selects by recipe). */
function imageResourceTags(imageName: string): Record<string, string> {
  return { Image: imageName };
}

/** Tags on every AMI of an image: configured tags, then provenance. The emulator's publisher uses this too. */
export function distributedAmiTags(image: ImageConfig, commit?: string): Record<string, string> {
  return {
    ...image.distribution.ami_tags,
    ...provenanceTags({ imageName: image.name, recipeVersion: image.version, parentImage: image.parent_image, commit }),
  };
}
