import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { ImageBuilderInstanceProfile } from "../../../constructs/image-builder-instance-profile";
import { only, synthBare } from "../../helpers/bare-stack";

describe("ImageBuilderInstanceProfile", () => {
  const synthesized = synthBare(
    (stack) => new ImageBuilderInstanceProfile(stack, "Profile", { name: "golden-ami-image-builder", partition: new DataAwsPartition(stack, "p") }),
  );

  it("is a role EC2 instances assume, in an instance profile of the same name", () => {
    const role = only(synthesized, "aws_iam_role");
    expect(JSON.parse(role.assume_role_policy as string).Statement[0].Principal).toEqual({ Service: "ec2.amazonaws.com" });
    expect(only(synthesized, "aws_iam_instance_profile")).toMatchObject({ name: "golden-ami-image-builder" });
  });

  it("gets Image Builder's and SSM's managed policies in the stack's partition, and nothing else", () => {
    const arns = Object.values(synthesized.resource.aws_iam_role_policy_attachment).map((a) => a.policy_arn);
    expect(arns.sort()).toEqual([
      "arn:${data.aws_partition.p.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore",
      "arn:${data.aws_partition.p.partition}:iam::aws:policy/EC2InstanceProfileForImageBuilder",
    ]);
    expect(synthesized.resource.aws_iam_role_policy).toBeUndefined();
  });
});
