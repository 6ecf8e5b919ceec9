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
