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
 * An IAM policy variable inside a string Terraform renders: `$${` is Terraform's escape, so the key
 * policy AWS receives holds `${aws:PrincipalAccount}`, which AWS resolves per request.
 */
const policyVariable = (name: string) => "$${" + name + "}";

/**
 * Key policy of the organization's AMI key. Names no principal that might not exist (KMS rejects such
 * a policy): organization accounts are matched by aws:PrincipalOrgID, grantees by condition keys, and
 * each account may only grant to its own Auto Scaling service-linked role (the grantee is bound to
 * the caller's own account through ${aws:PrincipalAccount}). docs/aws-contract.md cites the AWS
 * documents behind each statement; __tests__/unit/access-key-policy.test.ts evaluates it.
 */
export function sharedAmiKeyPolicy(accountRoot: string, organizationId: string, partition = "aws") {
  const inOrganization = { "aws:PrincipalOrgID": organizationId };
  const callerAccount = `arn:${partition}:iam::${policyVariable("aws:PrincipalAccount")}`;
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: accountRoot }, Action: "kms:*", Resource: "*" },
      {
        // data.aws_kms_key in each workload stack calls DescribeKey directly (plans and applies).
        Sid: "OrganizationDescribesKey",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: "kms:DescribeKey",
        Resource: "*",
        Condition: { StringEquals: inOrganization },
      },
      {
        // Launching an instance from a shared encrypted AMI: EC2 uses the key for the caller.
        Sid: "OrganizationLaunchesSharedAmis",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: inOrganization, StringLike: { "kms:ViaService": "ec2.*.amazonaws.com" } },
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
        // Each workload account's Terraform (aws_kms_grant) creates a grant for ITS OWN Auto Scaling
        // service-linked role, retirable by its own account (retire_on_delete): a direct call, for which
        // kms:GrantIsForAWSResource is false. No organization account may revoke another's grant.
        Sid: "OrganizationGrantsToAutoScaling",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: {
          StringEquals: {
            ...inOrganization,
            "kms:GranteePrincipal": `${callerAccount}:${AUTO_SCALING_SERVICE_LINKED_ROLE}`,
            "kms:RetiringPrincipal": `${callerAccount}:root`,
          },
          "ForAllValues:StringEquals": { "kms:GrantOperations": [...AUTO_SCALING_GRANT_OPERATIONS] },
        },
      },
      {
        // aws_kms_grant reads its grant back with ListGrants after creating it and on every refresh:
        // plans too. ListGrants shows every grant on the key, so every account's grantee (the
        // service-linked role ARNs, hence the account ids of the organization's workloads).
        Sid: "OrganizationListsGrants",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: "kms:ListGrants",
        Resource: "*",
        Condition: { StringEquals: inOrganization },
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
