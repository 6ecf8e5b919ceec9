import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsReplicaKey } from "@cdktf/provider-aws/lib/kms-replica-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";

export interface SharedAmiKeyProps {
  /** Alias name without "alias/", the same in every region; workloads find the key by it. */
  readonly alias: string;
  readonly accountId: string;
  /** The organization whose accounts may use the key, such as o-xxxxxxxxxx. */
  readonly organizationId: string;
  readonly partition: DataAwsPartition;
  /** The key's home region (the pipeline's). */
  readonly region: string;
  /** A provider per other distribution region, where a replica of the key lives. @default - none */
  readonly replicaProviders?: Readonly<Record<string, AwsProvider>>;
}

/**
 * The customer-managed key of shared AMIs. Accounts of the organization may use it to launch them,
 * and grant it to AWS services (their Auto Scaling service-linked role creates grants when it
 * launches instances from an encrypted AMI). Multi-region, with a replica per distribution region.
 */
export class SharedAmiKey extends Construct {
  readonly key: KmsKey;
  /** The key's ARN in each region (home and replicas). */
  readonly arnByRegion: Record<string, string>;

  constructor(scope: Construct, id: string, props: SharedAmiKeyProps) {
    super(scope, id);
    const policy = JSON.stringify(
      sharedAmiKeyPolicy(`arn:${props.partition.partition}:iam::${props.accountId}:root`, props.organizationId, props.partition.partition),
    );
    this.key = new KmsKey(this, "Resource", {
      description: "Encrypts the organization's golden AMIs",
      enableKeyRotation: true,
      multiRegion: true,
      deletionWindowInDays: 30,
      policy,
    });
    new KmsAlias(this, "Alias", { name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
    this.arnByRegion = { [props.region]: this.key.arn };
    for (const [region, provider] of Object.entries(props.replicaProviders ?? {})) {
      const replica = new KmsReplicaKey(this, `Replica-${region}`, {
        provider,
        primaryKeyArn: this.key.arn,
        description: `Replica in ${region} of the golden AMI key`,
        deletionWindowInDays: 30,
        policy,
      });
      new KmsAlias(this, `Alias-${region}`, { provider, name: `alias/${props.alias}`, targetKeyId: replica.keyId });
      this.arnByRegion[region] = replica.arn;
    }
  }
}

/** The Auto Scaling service-linked role of any account (the grant's grantee in each workload account). */
export const AUTO_SCALING_SERVICE_LINKED_ROLE = "role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling";

/**
 * Key policy of the organization's AMI key. Names no principal that might not exist (KMS rejects such
 * a policy): organization accounts are matched by aws:PrincipalOrgID, grantees by condition keys.
 * docs/aws-contract.md, "AMI key policy" cites the AWS documents behind each statement.
 */
export function sharedAmiKeyPolicy(accountRoot: string, organizationId: string, partition = "aws") {
  const inOrganization = { "aws:PrincipalOrgID": organizationId };
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: accountRoot }, Action: "kms:*", Resource: "*" },
      {
        Sid: "OrganizationLaunchesSharedAmis",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: inOrganization },
      },
      {
        // EC2 creates its own grants when an organization account launches or copies an encrypted AMI.
        Sid: "OrganizationGrantsToAwsServices",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: { StringEquals: inOrganization, Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
      {
        // Each workload account's Terraform (aws_kms_grant) creates a grant for its own Auto Scaling
        // service-linked role: a direct call, for which kms:GrantIsForAWSResource is false.
        Sid: "OrganizationGrantsToAutoScaling",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: {
          StringEquals: inOrganization,
          StringLike: { "kms:GranteePrincipal": `arn:${partition}:iam::*:${AUTO_SCALING_SERVICE_LINKED_ROLE}` },
          "ForAllValues:StringEquals": { "kms:GrantOperations": [...AUTO_SCALING_GRANT_OPERATIONS] },
        },
      },
    ],
  };
}

/** What the Auto Scaling service-linked role needs of the key (EC2 Auto Scaling user guide, cross-account example). */
export const AUTO_SCALING_GRANT_OPERATIONS = [
  "Encrypt",
  "Decrypt",
  "ReEncryptFrom",
  "ReEncryptTo",
  "GenerateDataKey",
  "GenerateDataKeyWithoutPlaintext",
  "DescribeKey",
  "CreateGrant",
] as const;
