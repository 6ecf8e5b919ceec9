import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { serviceTrustPolicy } from "./service-role-trust";

/** The managed policies an Image Builder build instance needs (Image Builder user guide, "Prerequisites": the instance profile role). */
// Least privilege: AMI builds need no ECR (EC2InstanceProfileForImageBuilderECRContainerBuilds is for container recipes).
const IMAGE_BUILDER_MANAGED_POLICIES = ["EC2InstanceProfileForImageBuilder", "AmazonSSMManagedInstanceCore"] as const;

export interface ImageBuilderInstanceProfileProps {
  readonly name: string;
  readonly partition: DataAwsPartition;
  readonly tags?: Record<string, string>;
}

/** Role and instance profile of the build and test instances, managed through SSM. */
export class ImageBuilderInstanceProfile extends Construct {
  readonly role: IamRole;
  readonly instanceProfile: IamInstanceProfile;

  constructor(scope: Construct, id: string, props: ImageBuilderInstanceProfileProps) {
    super(scope, id);
    this.role = new IamRole(this, "Role", {
      name: props.name,
      description: "EC2 Image Builder build and test instances",
      assumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"),
      tags: props.tags,
    });
    for (const policy of IMAGE_BUILDER_MANAGED_POLICIES) {
      new IamRolePolicyAttachment(this, policy, {
        role: this.role.name,
        policyArn: `arn:${props.partition.partition}:iam::aws:policy/${policy}`,
      });
    }
    this.instanceProfile = new IamInstanceProfile(this, "Resource", { name: props.name, role: this.role.name, tags: props.tags });
  }
}
