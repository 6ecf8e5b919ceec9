import type { Config } from "./schema";
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
    // Volumes encrypted under the AWS-managed aws/ebs key cannot be shared with other accounts.
    ...(image.block_devices.length > 0 && !config.ami_encryption.enabled && !image.distribution.kms_key_arn
      ? [
          {
            path: `images[${i}].block_devices`,
            message: `got ${image.block_devices.length} encrypted volume(s) but no customer-managed key: their snapshots would be encrypted with the AWS-managed aws/ebs key, which cannot be shared, so no other account could launch the AMI; expected ami_encryption.enabled: true or images[${i}].distribution.kms_key_arn`,
          },
        ]
      : []),
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
