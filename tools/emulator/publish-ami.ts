import { CreateSnapshotCommand, CreateVolumeCommand, EC2Client, ModifyImageAttributeCommand, RegisterImageCommand } from "@aws-sdk/client-ec2";
import type { Config, ImageConfig } from "../../config/schema";
import { renderAmiName } from "../../conventions/ami-names";
import { distributedAmiTags } from "../../stacks/shared-image-stack";

export interface PublishedAmi {
  /** The id in the shared region. */
  readonly imageId: string;
  readonly name: string;
  /** Every distribution region's copy: region → id (the shared region's included). */
  readonly copies: Readonly<Record<string, string>>;
}

export interface PublishOptions {
  readonly buildVersion: number;
  /** @default - now */
  readonly buildDate?: Date;
  readonly commit?: string;
  /** Publish under another name (look-alike AMIs that the lookup must never choose). @default - the image's own name pattern */
  readonly nameOverride?: string;
}

/** The shared account's clients in a region, and the KMS key its AMIs are encrypted with there (none: unencrypted). */
export interface PublishingAccount {
  ec2(region: string): EC2Client;
  amiKeyArn(region: string): Promise<string | undefined>;
}

/**
 * Publishes an AMI the way the image's distribution configuration would: in every distribution region,
 * each copy with its own id and the same name (one name template, rendered from the build's
 * variables), same tags (computed by the shared stack's own function), its snapshot encrypted with
 * the region's AMI key, launch permissions as configured. A stand-in for a pipeline run, for look-alike
 * (decoy) AMIs and wherever no Image Builder runs.
 */
export async function publishAmi(account: PublishingAccount, config: Config, image: ImageConfig, options: PublishOptions): Promise<PublishedAmi> {
  const name = options.nameOverride ?? renderAmiName(image.name, options.buildVersion, options.buildDate ?? new Date());
  const regions = [...new Set([config.shared.region, ...(image.distribution.regions ?? [])])];
  const copies: Record<string, string> = {};
  for (const region of regions) copies[region] = await register(account.ec2(region), await account.amiKeyArn(region), config, image, name, options);
  return { imageId: copies[config.shared.region], name, copies };
}

async function register(
  ec2: EC2Client,
  kmsKeyId: string | undefined,
  config: Config,
  image: ImageConfig,
  name: string,
  options: PublishOptions,
): Promise<string> {
  const tags = distributedAmiTags(image, options.commit);
  const { VolumeId } = await ec2.send(
    new CreateVolumeCommand({
      AvailabilityZone: `${await ec2.config.region()}a`,
      Size: 8,
      VolumeType: "gp3",
      ...(kmsKeyId ? { Encrypted: true, KmsKeyId: kmsKeyId } : {}),
    }),
  );
  const { SnapshotId } = await ec2.send(new CreateSnapshotCommand({ VolumeId, Description: `root volume of ${name}` }));
  const { ImageId } = await ec2.send(
    new RegisterImageCommand({
      Name: name,
      Description: image.description,
      Architecture: "x86_64",
      VirtualizationType: "hvm",
      RootDeviceName: "/dev/xvda",
      BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { SnapshotId, VolumeSize: 8, VolumeType: "gp3", DeleteOnTermination: true } }],
      TagSpecifications: [{ ResourceType: "image", Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
    }),
  );
  if (!ImageId) throw new Error(`RegisterImage returned no image id for ${name}`);
  const permissions = image.distribution.launch_permissions;
  const add = [
    ...(permissions.organization ? [{ OrganizationArn: config.organization.arn }] : []),
    ...permissions.organizational_units.map((arn) => ({ OrganizationalUnitArn: arn })),
    ...permissions.accounts.map((account) => ({ UserId: account })),
  ];
  if (add.length > 0) await ec2.send(new ModifyImageAttributeCommand({ ImageId, LaunchPermission: { Add: add } }));
  return ImageId;
}
