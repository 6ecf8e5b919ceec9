import { DataAwsKmsKey } from "@cdktf/provider-aws/lib/data-aws-kms-key";
import { KmsGrant } from "@cdktf/provider-aws/lib/kms-grant";
import { Construct } from "constructs";

export interface SharedAmiKeyGrantProps {
  /** Alias name of the shared AMI key, without "alias/". */
  readonly alias: string;
  readonly sharedAccountId: string;
  readonly workloadAccountId: string;
  readonly region: string;
  readonly partition: string;
}

/**
 * Lets this account's Auto Scaling service-linked role use the shared AMI key: without the grant,
 * instances from an AMI encrypted with it fail to launch (Client.InternalError).
 */
export class SharedAmiKeyGrant extends Construct {
  readonly grant: KmsGrant;

  constructor(scope: Construct, id: string, props: SharedAmiKeyGrantProps) {
    super(scope, id);
    // An alias ARN finds a key of another account; the grant itself needs the key ARN.
    const key = new DataAwsKmsKey(this, "SharedKey", { keyId: `arn:${props.partition}:kms:${props.region}:${props.sharedAccountId}:alias/${props.alias}` });
    this.grant = new KmsGrant(this, "Resource", {
      name: "golden-ami-autoscaling",
      keyId: key.arn,
      granteePrincipal: `arn:${props.partition}:iam::${props.workloadAccountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
      operations: ["Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "DescribeKey", "CreateGrant"],
    });
  }
}
