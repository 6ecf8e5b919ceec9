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
    const policy = JSON.stringify(sharedAmiKeyPolicy(`arn:${props.partition.partition}:iam::${props.accountId}:root`, props.organizationId));
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

export function sharedAmiKeyPolicy(accountRoot: string, organizationId: string) {
  const inOrganization = { StringEquals: { "aws:PrincipalOrgID": organizationId } };
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: accountRoot }, Action: "kms:*", Resource: "*" },
      {
        Sid: "OrganizationLaunchesSharedAmis",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:Decrypt", "kms:DescribeKey", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: inOrganization,
      },
      {
        Sid: "OrganizationGrantsToAwsServices",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: { ...inOrganization, Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
    ],
  };
}
