import type { Config, ImageConfig } from "./schema";
import { Problem, showValue } from "./problems";

/** AMI encryption and lifecycle rules that span several fields. */
export function encryptionAndLifecycleProblems(config: Config): Problem[] {
  return config.images.flatMap((image, i) => [
    ...(config.ami_encryption.enabled && image.distribution.kms_key_arn
      ? [
          {
            path: `images[${i}].distribution.kms_key_arn`,
            message: `got ${showValue(image.distribution.kms_key_arn)}, but ami_encryption.enabled creates the key for every image; expected one of the two`,
          },
        ]
      : []),
    ...regionKeyProblems(config, image, i),
    // Volumes encrypted under the AWS-managed aws/ebs key cannot be shared with other accounts.
    ...(image.block_devices.length > 0 && !config.ami_encryption.enabled && !image.distribution.kms_key_arn
      ? [
          {
            path: `images[${i}].block_devices`,
            message: `got ${image.block_devices.length} encrypted volume(s) but no customer-managed key: their snapshots would be encrypted with the AWS-managed aws/ebs key, which cannot be shared, so no other account could launch the AMI; expected ami_encryption.enabled: true or images[${i}].distribution.kms_key_arn`,
          },
        ]
      : []),
    ...rootDeviceProblems(image, i),
    ...(image.lifecycle.enabled && image.lifecycle.delete_beyond_newest < image.lifecycle.deprecate_beyond_newest
      ? [
          {
            path: `images[${i}].lifecycle.delete_beyond_newest`,
            message: `got ${image.lifecycle.delete_beyond_newest}, expected at least deprecate_beyond_newest (${image.lifecycle.deprecate_beyond_newest}): AMIs are deprecated before they are deleted`,
          },
        ]
      : []),
  ]);
}

/**
 * Root devices of AWS-managed parent images by name prefix (EC2 user guide, "Root volumes for your
 * Amazon EC2 instances": Amazon Linux /dev/xvda, Ubuntu and Windows /dev/sda1). A recipe that maps
 * another device adds an extra volume and leaves the root as the parent has it: unencrypted.
 */
const MANAGED_ROOT_DEVICES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(?:arn:[^:]+:imagebuilder:[^:]+:aws:image\/)?amazon-linux-/, "/dev/xvda"],
  [/^(?:arn:[^:]+:imagebuilder:[^:]+:aws:image\/)?(?:ubuntu-|windows-)/, "/dev/sda1"],
];

function rootDeviceProblems(image: ImageConfig, i: number): Problem[] {
  const problems: Problem[] = [];
  const expected = MANAGED_ROOT_DEVICES.find(([prefix]) => prefix.test(image.parent_image))?.[1];
  if (expected && image.root_device_name !== expected)
    problems.push({
      path: `images[${i}].root_device_name`,
      message: `got ${showValue(image.root_device_name)}, but ${image.parent_image}'s root device is ${expected}: the recipe would add a volume and leave the root unencrypted; expected ${expected}`,
    });
  const clash = image.block_devices.findIndex((device) => device.device_name === image.root_device_name);
  if (clash >= 0)
    problems.push({
      path: `images[${i}].block_devices[${clash}].device_name`,
      message: `got ${showValue(image.root_device_name)}, the root device (root_device_name); expected an extra device such as /dev/xvdb`,
    });
  return problems;
}

/** The region of a KMS key or alias ARN (arn:partition:kms:<region>:account:…). */
function kmsArnRegion(arn: string): string {
  return arn.split(":")[3];
}

/**
 * A bring-your-own key names one key per distribution region, each in its own region: KMS keys are
 * regional, and one ARN for every region encrypts nothing outside its own.
 */
function regionKeyProblems(config: Config, image: ImageConfig, i: number): Problem[] {
  const distribution = image.distribution;
  const path = `images[${i}].distribution`;
  const others = (distribution.regions ?? [config.shared.region]).filter((r) => r !== config.shared.region);
  const byRegion = distribution.region_kms_key_arns;
  if (!distribution.kms_key_arn) {
    return Object.keys(byRegion).length > 0
      ? [
          {
            path: `${path}.region_kms_key_arns`,
            message: `got keys for ${Object.keys(byRegion).join(", ")}, expected none without kms_key_arn (the shared region's key)`,
          },
        ]
      : [];
  }
  const problems: Problem[] = [];
  if (kmsArnRegion(distribution.kms_key_arn) !== config.shared.region)
    problems.push({
      path: `${path}.kms_key_arn`,
      message: `got ${showValue(distribution.kms_key_arn)} in ${kmsArnRegion(distribution.kms_key_arn)}, expected a key in the shared region ${config.shared.region} (KMS keys are regional)`,
    });
  const missing = others.filter((r) => !Object.hasOwn(byRegion, r));
  if (missing.length > 0)
    problems.push({
      path: `${path}.region_kms_key_arns`,
      message: `got no key for ${missing.join(", ")}, expected a key ARN in each distribution region besides ${config.shared.region}: CopyImage encrypts each copy with a key of its own region`,
    });
  for (const [region, arn] of Object.entries(byRegion)) {
    if (!others.includes(region))
      problems.push({
        path: `${path}.region_kms_key_arns.${region}`,
        message: `got a key for ${region}, expected only other distribution regions (${others.join(", ") || "none"})`,
      });
    else if (kmsArnRegion(arn) !== region)
      problems.push({ path: `${path}.region_kms_key_arns.${region}`, message: `got ${showValue(arn)} in ${kmsArnRegion(arn)}, expected a key in ${region}` });
  }
  return problems;
}
