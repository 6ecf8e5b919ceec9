import { RollingLaunchTemplate } from "../../../constructs/rolling-launch-template";
import { only, synthBare } from "../../helpers/bare-stack";

describe("RollingLaunchTemplate", () => {
  const template = only(
    synthBare(
      (stack) =>
        new RollingLaunchTemplate(stack, "Template", {
          namePrefix: "web",
          imageId: "ami-0123456789abcdef0",
          instanceType: "t3.small",
          rootVolume: { sizeGib: 30 },
          securityGroupIds: ["sg-0123456789abcdef0"],
          tags: { Team: "web" },
        }),
    ),
    "aws_launch_template",
  );

  it("makes every change a new default version, so a new AMI is an in-place update", () => {
    expect(template).toMatchObject({ image_id: "ami-0123456789abcdef0", update_default_version: true });
  });

  it("requires IMDSv2 with a hop limit of 1", () => {
    expect(template.metadata_options).toMatchObject({ http_tokens: "required", http_put_response_hop_limit: 1, http_endpoint: "enabled" });
  });

  it("encrypts the root volume, gp3 on /dev/xvda unless told otherwise", () => {
    expect(template.block_device_mappings).toEqual([
      { device_name: "/dev/xvda", ebs: expect.objectContaining({ volume_size: 30, volume_type: "gp3", encrypted: "true", delete_on_termination: "true" }) },
    ]);
  });

  it("tags the instances and volumes it launches", () => {
    expect(template.tag_specifications).toEqual([
      { resource_type: "instance", tags: { Team: "web" } },
      { resource_type: "volume", tags: { Team: "web" } },
    ]);
  });
});
