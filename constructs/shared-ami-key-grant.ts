import { DataAwsKmsKey } from "@cdktf/provider-aws/lib/data-aws-kms-key";
import { IamServiceLinkedRole } from "@cdktf/provider-aws/lib/iam-service-linked-role";
import { KmsGrant } from "@cdktf/provider-aws/lib/kms-grant";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { AUTO_SCALING_GRANT_OPERATIONS, AUTO_SCALING_SERVICE_LINKED_ROLE } from "./shared-ami-key";

export interface SharedAmiKeyGrantProps {
  /**
   * The key that encrypts this region's copies of the AMIs: a key or alias ARN of the shared account,
   * in the workload's region (an alias ARN finds a key of another account; the grant needs the key ARN,
   * which the lookup returns).
   */
  readonly keyArn: string;
  readonly workloadAccountId: string;
  readonly partition: string;
  /** Unique per stack in the account and region: grants with the same name and parameters are one grant in KMS. */
  readonly grantName: string;
  /**
   * Create AWSServiceRoleForAutoScaling first. AWS creates it with the account's first Auto Scaling
   * group, which is too late for this grant; only one stack per account may create it.
   * @default false - the role exists already
   */
  readonly createServiceLinkedRole?: boolean;
  /**
   * Read the key only after these (the AMI lookups): an account the AMIs are not shared with then
   * fails on the lookup's own message, not on the key's AccessDenied. @default - no order
   */
  readonly after?: ITerraformDependable[];
}

/**
 * Lets this account's Auto Scaling service-linked role use the shared AMI key: without the grant,
 * instances from an AMI encrypted with it fail to launch (Client.InternalError). Created from the
 * workload account, as the EC2 Auto Scaling user guide's cross-account example does.
 */
export class SharedAmiKeyGrant extends Construct {
  readonly grant: KmsGrant;
  readonly serviceLinkedRole?: IamServiceLinkedRole;

  constructor(scope: Construct, id: string, props: SharedAmiKeyGrantProps) {
    super(scope, id);
    const key = new DataAwsKmsKey(this, "SharedKey", { keyId: props.keyArn, dependsOn: props.after });
    this.serviceLinkedRole = props.createServiceLinkedRole
      ? new IamServiceLinkedRole(this, "AutoScalingServiceLinkedRole", {
          awsServiceName: "autoscaling.amazonaws.com",
          description: "Auto Scaling launches instances (created before the KMS grant that names it)",
        })
      : undefined;
    this.grant = new KmsGrant(this, "Resource", {
      name: props.grantName,
      keyId: key.arn,
      granteePrincipal: `arn:${props.partition}:iam::${props.workloadAccountId}:${AUTO_SCALING_SERVICE_LINKED_ROLE}`,
      operations: [...AUTO_SCALING_GRANT_OPERATIONS],
      // Deleted by RetireGrant as its own account (the key policy lets no organization account revoke
      // grants: RevokeGrant cannot be limited to one's own grants). KMS developer guide, "Retiring and revoking grants".
      retiringPrincipal: `arn:${props.partition}:iam::${props.workloadAccountId}:root`,
      retireOnDelete: true,
      dependsOn: this.serviceLinkedRole ? [this.serviceLinkedRole] : undefined,
    });
  }
}
