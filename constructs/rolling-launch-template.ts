import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { Construct } from "constructs";
import type { EbsVolumeType } from "../conventions/aws-values";

export interface RootVolume {
  /** @default "/dev/xvda" */
  readonly deviceName?: string;
  readonly sizeGib: number;
  /** @default "gp3" */
  readonly volumeType?: EbsVolumeType;
  /** @default - the account's default EBS key */
  readonly kmsKeyId?: string;
}

export interface RollingLaunchTemplateProps {
  /** AWS appends a unique suffix, so a replacement never collides with the old template. */
  readonly namePrefix: string;
  readonly imageId: string;
  readonly instanceType: string;
  readonly rootVolume: RootVolume;
  readonly securityGroupIds: ReadonlyArray<string>;
  /** Base64-encoded user data. @default - none */
  readonly userDataBase64?: string;
  /** @default 1 - raise to 2 only for containers that need IMDS */
  readonly metadataHopLimit?: number;
  /** Tags on the template, and on the instances and volumes it launches. @default - none */
  readonly tags?: Record<string, string>;
}

/**
 * A launch template whose every change is a new version that becomes the default: a new AMI is an
 * in-place update, and the Auto Scaling group follows `latestVersion`.
 */
export class RollingLaunchTemplate extends Construct {
  readonly launchTemplate: LaunchTemplate;

  constructor(scope: Construct, id: string, props: RollingLaunchTemplateProps) {
    super(scope, id);
    this.launchTemplate = new LaunchTemplate(this, "Resource", {
      namePrefix: `${props.namePrefix}-`,
      description: `Launch template of ${props.namePrefix}; each new AMI is a new default version`,
      imageId: props.imageId,
      instanceType: props.instanceType,
      ebsOptimized: "true",
      updateDefaultVersion: true,
      vpcSecurityGroupIds: [...props.securityGroupIds],
      userData: props.userDataBase64,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: props.metadataHopLimit ?? 1,
        instanceMetadataTags: "enabled",
      },
      monitoring: { enabled: true },
      blockDeviceMappings: [
        {
          deviceName: props.rootVolume.deviceName ?? "/dev/xvda",
          ebs: {
            volumeSize: props.rootVolume.sizeGib,
            volumeType: props.rootVolume.volumeType ?? "gp3",
            encrypted: "true",
            kmsKeyId: props.rootVolume.kmsKeyId,
            deleteOnTermination: "true",
          },
        },
      ],
      tagSpecifications: ["instance", "volume"].map((resourceType) => ({ resourceType, tags: props.tags })),
      tags: props.tags,
      lifecycle: { createBeforeDestroy: true },
    });
  }

  get id(): string {
    return this.launchTemplate.id;
  }

  get latestVersion(): number {
    return this.launchTemplate.latestVersion;
  }
}
