import { asList, PolicyRule } from "./rule";

/** Every EBS volume a launch template or an image recipe declares is encrypted. */
export const ebsEncrypted: PolicyRule = {
  id: "GAMI-EBS-ENCRYPTED",
  explanation: 'Encrypt every EBS volume: set ebs.encrypted = "true" in block device mappings of launch templates and image recipes.',
  check(type, config) {
    const allEncrypted = (mappings: unknown) =>
      asList(mappings)
        .flatMap((m) => asList(m.ebs))
        .every((ebs) => String(ebs.encrypted) === "true")
        ? "compliant"
        : "non-compliant";
    if (type === "aws_launch_template") return allEncrypted(config.block_device_mappings);
    if (type === "aws_imagebuilder_image_recipe") return allEncrypted(config.block_device_mapping);
    return "not-applicable";
  },
};
