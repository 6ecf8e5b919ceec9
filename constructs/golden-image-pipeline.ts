import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { ImagebuilderComponent } from "@cdktf/provider-aws/lib/imagebuilder-component";
import {
  ImagebuilderDistributionConfiguration,
  ImagebuilderDistributionConfigurationDistribution,
} from "@cdktf/provider-aws/lib/imagebuilder-distribution-configuration";
import { ImagebuilderImagePipeline } from "@cdktf/provider-aws/lib/imagebuilder-image-pipeline";
import { ImagebuilderImageRecipe, ImagebuilderImageRecipeBlockDeviceMapping } from "@cdktf/provider-aws/lib/imagebuilder-image-recipe";
import { ImagebuilderInfrastructureConfiguration } from "@cdktf/provider-aws/lib/imagebuilder-infrastructure-configuration";
import { Construct } from "constructs";
import { amiNameTemplate } from "../conventions/ami-names";
import { EgressOnlySecurityGroup } from "./egress-only-security-group";
import type { EbsVolumeType, PipelineStartCondition } from "../conventions/aws-values";

export interface PipelineComponent {
  /** Unique within the image; the AWS component is named `<image>-<name>`. */
  readonly name: string;
  /** The AWSTOE document (YAML). */
  readonly data: string;
  readonly description?: string;
  /** @default - no parameters */
  readonly parameters?: Readonly<Record<string, string>>;
}

export interface RecipeBlockDevice {
  readonly deviceName: string;
  readonly volumeSizeGib: number;
  /** @default "gp3" */
  readonly volumeType?: EbsVolumeType;
  /** @default - the volume type's baseline */
  readonly iops?: number;
  /** @default - the volume type's baseline */
  readonly throughputMibps?: number;
  /** @default true */
  readonly deleteOnTermination?: boolean;
}

export interface PipelineSchedule {
  /** Image Builder cron, e.g. `cron(0 3 ? * MON *)`. */
  readonly cron: string;
  /** @default "Etc/UTC" */
  readonly timezone?: string;
  /**
   * @default "EXPRESSION_MATCH_ONLY" - build on every tick, so OS patches land weekly; the other
   * condition builds only when a newer parent image or component version exists
   */
  readonly startCondition?: PipelineStartCondition;
}

export interface LaunchPermissions {
  /** @default - none */
  readonly organizationArns?: ReadonlyArray<string>;
  /** @default - none */
  readonly organizationalUnitArns?: ReadonlyArray<string>;
  /** @default - none */
  readonly accountIds?: ReadonlyArray<string>;
}

export interface GoldenImagePipelineProps {
  /** Names the recipe, components, configurations, pipeline and (through conventions/ami-names) the AMIs. */
  readonly imageName: string;
  /** @default - no description */
  readonly description?: string;
  /** Semantic version of the recipe and its components. */
  readonly version: string;
  /** An AMI id, an image ARN, or an AWS-managed image such as `amazon-linux-2023-x86/x.x.x`. */
  readonly parentImage: string;
  readonly components: ReadonlyArray<PipelineComponent>;
  /** @default - the parent image's volumes only */
  readonly blockDevices?: ReadonlyArray<RecipeBlockDevice>;
  /** The parent image's root device, mapped encrypted with amiKmsKeyId when there is one. @default "/dev/xvda" */
  readonly rootDeviceName?: string;
  readonly instanceProfile: IamInstanceProfile;
  readonly partition: DataAwsPartition;
  /** Region of the pipeline (for managed parent image ARNs). */
  readonly region: string;
  /** @default ["t3.small"] */
  readonly instanceTypes?: ReadonlyArray<string>;
  readonly vpcId: string;
  /** @default - Image Builder picks a subnet of the default VPC */
  readonly subnetId?: string;
  /** @default - an egress-only security group in vpcId */
  readonly securityGroupIds?: ReadonlyArray<string>;
  /** @default - the pipeline runs only when started by hand or by CI */
  readonly schedule?: PipelineSchedule;
  /** @default true */
  readonly testsEnabled?: boolean;
  /** @default 720 */
  readonly testTimeoutMinutes?: number;
  /** Regions that receive the AMI. */
  readonly distributionRegions: ReadonlyArray<string>;
  readonly launchPermissions: LaunchPermissions;
  /** Tags on every distributed AMI (provenance and configured tags). */
  readonly amiTags: Readonly<Record<string, string>>;
  /** Key of the components, the recipe's volumes and, unless distributionKmsKeyIds names another, of the AMIs. @default - AWS-managed keys */
  readonly amiKmsKeyId?: string;
  /** Key of the distributed AMI per region (KMS keys are regional). @default - amiKmsKeyId */
  readonly distributionKmsKeyIds?: Readonly<Record<string, string>>;
  /** @default - no tags */
  readonly tags?: Record<string, string>;
}

/** One EC2 Image Builder pipeline: components, recipe, infrastructure, distribution and schedule. */
export class GoldenImagePipeline extends Construct {
  readonly components: ReadonlyArray<ImagebuilderComponent>;
  readonly recipe: ImagebuilderImageRecipe;
  readonly infrastructure: ImagebuilderInfrastructureConfiguration;
  readonly distribution: ImagebuilderDistributionConfiguration;
  readonly pipeline: ImagebuilderImagePipeline;
  /** The AMI name Image Builder renders per build. */
  readonly amiNameTemplate: string;

  constructor(scope: Construct, id: string, props: GoldenImagePipelineProps) {
    super(scope, id);
    const name = props.imageName;
    this.amiNameTemplate = amiNameTemplate(name);

    // Components and recipes are immutable: a new version is a new resource, created before the old goes.
    this.components = props.components.map(
      (component) =>
        new ImagebuilderComponent(this, `Component-${component.name}`, {
          name: `${name}-${component.name}`,
          version: props.version,
          platform: "Linux",
          description: component.description,
          data: component.data,
          kmsKeyId: props.amiKmsKeyId,
          tags: props.tags,
          lifecycle: { createBeforeDestroy: true },
        }),
    );

    this.recipe = new ImagebuilderImageRecipe(this, "Recipe", {
      name,
      version: props.version,
      description: props.description,
      parentImage: resolveParentImage(props.parentImage, props.partition.partition, props.region),
      component: this.components.map((resource, i) => ({
        componentArn: resource.arn,
        parameter: Object.entries(props.components[i].parameters ?? {}).map(([key, value]) => ({ name: key, value })),
      })),
      blockDeviceMapping: blockDeviceMappings(props),
      tags: props.tags,
      lifecycle: { createBeforeDestroy: true },
    });

    const securityGroupIds = props.securityGroupIds ?? [
      new EgressOnlySecurityGroup(this, "BuildSecurityGroup", {
        vpcId: props.vpcId,
        namePrefix: `${name}-image-builder`,
        description: `Image Builder instances of ${name}: no ingress (SSM), HTTPS out`,
        tags: props.tags,
      }).securityGroup.id,
    ];

    this.infrastructure = new ImagebuilderInfrastructureConfiguration(this, "Infrastructure", {
      name,
      description: `Build and test instances of ${name}`,
      instanceProfileName: props.instanceProfile.name,
      instanceTypes: [...(props.instanceTypes ?? ["t3.small"])],
      subnetId: props.subnetId,
      securityGroupIds: [...securityGroupIds],
      terminateInstanceOnFailure: true,
      instanceMetadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
      resourceTags: props.tags,
      tags: props.tags,
    });

    this.distribution = new ImagebuilderDistributionConfiguration(this, "Distribution", {
      name,
      description: `Where AMIs of ${name} go and who may launch them`,
      distribution: distributionTargets(props, this.amiNameTemplate),
      tags: props.tags,
    });

    this.pipeline = new ImagebuilderImagePipeline(this, "Pipeline", {
      name,
      description: props.description,
      imageRecipeArn: this.recipe.arn,
      infrastructureConfigurationArn: this.infrastructure.arn,
      distributionConfigurationArn: this.distribution.arn,
      status: "ENABLED",
      enhancedImageMetadataEnabled: true,
      imageTestsConfiguration: { imageTestsEnabled: props.testsEnabled ?? true, timeoutMinutes: props.testTimeoutMinutes ?? 720 },
      schedule: props.schedule && {
        scheduleExpression: props.schedule.cron,
        timezone: props.schedule.timezone ?? "Etc/UTC",
        pipelineExecutionStartCondition: props.schedule.startCondition ?? "EXPRESSION_MATCH_ONLY",
      },
      tags: props.tags,
    });
  }
}

/**
 * The recipe's volumes. The distribution's key encrypts only the copies in other regions: the AMI a
 * build makes in its own region is encrypted as the recipe maps its volumes (EC2 Image Builder user
 * guide, "Create and update AMI distribution configurations"), so the root is mapped with the key. Its
 * size and type stay the parent's.
 */
function blockDeviceMappings(props: GoldenImagePipelineProps): ImagebuilderImageRecipeBlockDeviceMapping[] {
  return [
    ...(props.amiKmsKeyId
      ? [{ deviceName: props.rootDeviceName ?? "/dev/xvda", ebs: { encrypted: "true", kmsKeyId: props.amiKmsKeyId, deleteOnTermination: "true" } }]
      : []),
    ...(props.blockDevices ?? []).map((device) => ({
      deviceName: device.deviceName,
      ebs: {
        volumeSize: device.volumeSizeGib,
        volumeType: device.volumeType ?? "gp3",
        iops: device.iops,
        throughput: device.throughputMibps,
        encrypted: "true",
        kmsKeyId: props.amiKmsKeyId,
        deleteOnTermination: String(device.deleteOnTermination ?? true),
      },
    })),
  ];
}

/** One distribution per region: the AMI name every build renders, its key there, and who may launch it. */
function distributionTargets(props: GoldenImagePipelineProps, amiName: string): ImagebuilderDistributionConfigurationDistribution[] {
  return props.distributionRegions.map((region) => ({
    region,
    amiDistributionConfiguration: {
      name: amiName,
      description: props.description,
      amiTags: { ...props.amiTags },
      kmsKeyId: props.distributionKmsKeyIds?.[region] ?? props.amiKmsKeyId,
      launchPermission: {
        organizationArns: [...(props.launchPermissions.organizationArns ?? [])],
        organizationalUnitArns: [...(props.launchPermissions.organizationalUnitArns ?? [])],
        userIds: [...(props.launchPermissions.accountIds ?? [])],
      },
    },
  }));
}

/** `amazon-linux-2023-x86/x.x.x` → `arn:<partition>:imagebuilder:<region>:aws:image/amazon-linux-2023-x86/x.x.x` */
export function resolveParentImage(parentImage: string, partition: string, region: string): string {
  if (parentImage.startsWith("ami-") || parentImage.startsWith("arn:")) return parentImage;
  return `arn:${partition}:imagebuilder:${region}:aws:image/${parentImage}`;
}
