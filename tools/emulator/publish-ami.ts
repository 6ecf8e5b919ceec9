import { EC2Client, ModifyImageAttributeCommand, RegisterImageCommand } from "@aws-sdk/client-ec2";
import type { Config, ImageConfig } from "../../config/schema";
import { renderAmiName } from "../../constructs/ami-conventions";
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

/**
 * Publishes an AMI the way the image's distribution configuration would: in every distribution region,
 * each copy with its own id and the same name (one name template, rendered from the build's
 * variables), same tags (computed by the shared stack's own function), launch permission to the
 * organization. The emulator has no Image Builder, so this stands in for a pipeline run.
 */
export async function publishAmi(ec2For: (region: string) => EC2Client, config: Config, image: ImageConfig, options: PublishOptions): Promise<PublishedAmi> {
  const name = options.nameOverride ?? renderAmiName(image.name, options.buildVersion, options.buildDate ?? new Date());
  const regions = [...new Set([config.shared.region, ...(image.distribution.regions ?? [])])];
  const copies: Record<string, string> = {};
  for (const region of regions) copies[region] = await register(ec2For(region), config, image, name, options);
  return { imageId: copies[config.shared.region], name, copies };
}

async function register(ec2: EC2Client, config: Config, image: ImageConfig, name: string, options: PublishOptions): Promise<string> {
  const tags = distributedAmiTags(image, options.commit);
  const { ImageId } = await ec2.send(
    new RegisterImageCommand({
      Name: name,
      Description: image.description,
      Architecture: "x86_64",
      VirtualizationType: "hvm",
      RootDeviceName: "/dev/xvda",
      BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeSize: 8, VolumeType: "gp3", Encrypted: true, DeleteOnTermination: true } }],
      TagSpecifications: [{ ResourceType: "image", Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
    }),
  );
  if (!ImageId) throw new Error(`RegisterImage returned no image id for ${name}`);
  const permissions = image.distribution.launch_permissions;
  await ec2.send(
    new ModifyImageAttributeCommand({
      ImageId,
      LaunchPermission: {
        Add: [
          ...(permissions.organization ? [{ OrganizationArn: config.organization.arn }] : []),
          ...permissions.organizational_units.map((arn) => ({ OrganizationalUnitArn: arn })),
          ...permissions.accounts.map((account) => ({ UserId: account })),
        ],
      },
    }),
  );
  return ImageId;
}
