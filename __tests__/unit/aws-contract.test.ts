// What AWS does and the emulator cannot check (docs/aws-contract.md): the synthesized shape each
// behaviour depends on, pinned here, each with the document it comes from.
import { exampleRaw, RawConfig, resourcesOf, synthAll } from "../helpers/example";

type Statement = { Sid: string; Principal: unknown; Action: string | string[]; Condition?: Record<string, Record<string, unknown>> };
const statementsOf = (policy: string): Record<string, Statement> => Object.fromEntries((JSON.parse(policy).Statement as Statement[]).map((s) => [s.Sid, s]));
const keyPolicy = (stack: string, description: string) =>
  statementsOf(
    Object.values(JSON.parse(stack).resource.aws_kms_key as Record<string, { description: string; policy: string }>).find((k) =>
      k.description.includes(description),
    )!.policy,
  );

describe("AWS contract: the organization's AMI key and the workload grant", () => {
  const stacks = synthAll();
  const policy = keyPolicy(stacks.shared, "golden AMIs");

  // EC2 Auto Scaling user guide, "Required AWS KMS key policy for use with encrypted volumes",
  // example 2 (cross-account): the key's account lets the other account use the key and call
  // kms:CreateGrant; the other account then creates a grant for its Auto Scaling service-linked role.
  // Decisions on this policy are evaluated in access-key-policy.test.ts; this pins its synthesized text.
  it("lets organization accounts create a grant whose grantee is their own Auto Scaling service-linked role (a direct call)", () => {
    expect(policy.OrganizationGrantsToAutoScaling).toEqual({
      Sid: "OrganizationGrantsToAutoScaling",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: "kms:CreateGrant",
      Resource: "*",
      Condition: {
        // $${ is Terraform's escape: AWS receives the policy variable ${aws:PrincipalAccount}.
        StringEquals: {
          "aws:PrincipalOrgID": "o-xxxxxxxxxx",
          "kms:GranteePrincipal":
            "arn:${data.aws_partition.partition.partition}:iam::$${aws:PrincipalAccount}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
          "kms:RetiringPrincipal": "arn:${data.aws_partition.partition.partition}:iam::$${aws:PrincipalAccount}:root",
        },
        "ForAllValues:StringEquals": {
          "kms:GrantOperations": [
            "Encrypt",
            "Decrypt",
            "ReEncryptFrom",
            "ReEncryptTo",
            "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext",
            "DescribeKey",
            "CreateGrant",
          ],
        },
      },
    });
    // kms:GrantIsForAWSResource is true only when an AWS service calls for the caller (AWS KMS
    // developer guide, condition keys): Terraform's own CreateGrant would be denied by it.
    expect(JSON.stringify(policy.OrganizationGrantsToAutoScaling)).not.toContain("GrantIsForAWSResource");
  });

  it("keeps the service-only grant statement for EC2's own grants, and use of the key by organization accounts", () => {
    expect(policy.OrganizationGrantsToAwsServices.Condition).toEqual({
      StringEquals: { "aws:PrincipalOrgID": "o-xxxxxxxxxx" },
      Bool: { "kms:GrantIsForAWSResource": "true" },
    });
    expect(policy.OrganizationLaunchesSharedAmis).toMatchObject({
      Principal: { AWS: "*" },
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
      Condition: { StringEquals: { "aws:PrincipalOrgID": "o-xxxxxxxxxx" }, StringLike: { "kms:ViaService": "ec2.*.amazonaws.com" } },
    });
  });

  // KMS rejects a key policy naming a principal that does not exist (MalformedPolicyDocumentException,
  // "invalid principals", AWS knowledge center kms-policy-error-invalid-principals); service-linked
  // roles exist only after first use. No key policy names one.
  it("names no role that might not exist in any key policy: only account roots, '*' with conditions, and service principals", () => {
    for (const stack of Object.values(stacks)) {
      for (const key of resourcesOf(stack, "aws_kms_key")) {
        for (const statement of JSON.parse(key.policy as string).Statement as Statement[]) {
          const principals = JSON.stringify(statement.Principal);
          expect(principals).not.toMatch(/:role\//);
        }
      }
    }
  });

  it("creates the grant from the workload account, uniquely named per stack, and the group depends on it", () => {
    for (const name of ["web-staging", "web-production"]) {
      const [grant] = resourcesOf(stacks[name], "aws_kms_grant");
      expect(grant).toMatchObject({
        name: `golden-ami-autoscaling-${name}`,
        retiring_principal: "arn:${data.aws_partition.partition.partition}:iam::444455556666:root",
        retire_on_delete: true,
        grantee_principal:
          "arn:${data.aws_partition.partition.partition}:iam::444455556666:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
      });
      const [group] = resourcesOf(stacks[name], "aws_autoscaling_group");
      expect(group.depends_on).toEqual([expect.stringMatching(/^aws_kms_grant\./)]);
    }
  });

  // IAM user guide, service-linked roles: AWS creates AWSServiceRoleForAutoScaling with the account's
  // first Auto Scaling group, after the grant that names it would be needed. "create" makes it first.
  it("creates the Auto Scaling service-linked role before the grant only when the workload says so", () => {
    expect(resourcesOf(stacks["web-staging"], "aws_iam_service_linked_role")).toEqual([]);
    const raw: RawConfig = exampleRaw();
    raw.workloads[0].auto_scaling.service_linked_role = "create";
    const staging = synthAll(raw)["web-staging"];
    const [role] = Object.keys(JSON.parse(staging).resource.aws_iam_service_linked_role);
    expect(resourcesOf(staging, "aws_iam_service_linked_role")).toEqual([expect.objectContaining({ aws_service_name: "autoscaling.amazonaws.com" })]);
    expect(resourcesOf(staging, "aws_kms_grant")[0].depends_on).toEqual([`aws_iam_service_linked_role.${role}`]);
  });
});

describe("AWS contract: notifications", () => {
  const shared = synthAll().shared;

  it("use one path, EventBridge to SNS: no topic on the infrastructure configuration, no Image Builder role in any policy", () => {
    expect(resourcesOf(shared, "aws_imagebuilder_infrastructure_configuration")[0].sns_topic_arn).toBeUndefined();
    expect(shared).not.toContain("AWSServiceRoleForImageBuilder");
  });

  // EventBridge user guide, "Amazon SNS permissions" for encrypted topics: the key policy lets the
  // events.amazonaws.com service principal call kms:GenerateDataKey* and kms:Decrypt.
  it("let EventBridge encrypt to the topic's key, and publish only from our rule", () => {
    const policy = keyPolicy(shared, "notification");
    expect(policy.EventBridgeEncrypts).toMatchObject({ Principal: { Service: "events.amazonaws.com" }, Action: ["kms:GenerateDataKey*", "kms:Decrypt"] });
    const [topicPolicy] = resourcesOf(shared, "aws_sns_topic_policy");
    expect(statementsOf(topicPolicy.policy as string).EventBridgePublishes.Condition).toEqual({
      ArnEquals: { "aws:SourceArn": expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\..+\.arn\}$/) },
    });
  });
});

describe("AWS contract: lifecycle policy", () => {
  // Image Builder API reference, LifecyclePolicyResourceSelection: tagMap selects Image Builder image
  // resources by their tags; recipes selects the images built from those recipes (at most 50).
  // Provider 5.100's image pipeline has no image_tags, so pipeline images carry no tags to select by.
  it("selects the image's images by recipe name and every recorded version", () => {
    const raw: RawConfig = exampleRaw();
    const loaded = synthAll(raw).shared;
    const [policy] = resourcesOf(loaded, "aws_imagebuilder_lifecycle_policy");
    expect(policy.resource_selection).toEqual([
      {
        recipe: [
          { name: "sample", semantic_version: "1.0.1" },
          { name: "sample", semantic_version: "1.0.0" },
        ],
      },
    ]);
  });

  // Image Builder API reference, LifecyclePolicyDetailAction: DEPRECATE sets the status on the image
  // resource and, only "if includeResources.amis is set", on its distributed AMIs.
  it("deprecates the distributed AMIs too, so latest lookups (include_deprecated = false) stop finding them", () => {
    const [policy] = resourcesOf(synthAll().shared, "aws_imagebuilder_lifecycle_policy");
    const [deprecate, remove] = policy.policy_detail as { action: { type: string; include_resources: unknown }[] }[];
    expect(deprecate.action).toEqual([{ type: "DEPRECATE", include_resources: [{ amis: true, snapshots: false, containers: false }] }]);
    expect(remove.action).toEqual([{ type: "DELETE", include_resources: [{ amis: true, snapshots: true, containers: false }] }]);
  });
});

describe("AWS contract: instance refresh and rollback", () => {
  // terraform-provider-aws #34189: the provider calls UpdateAutoScalingGroup with the new launch
  // template version and then StartInstanceRefresh; auto-rollback returns to the group's (new) version.
  it("never asks AWS for auto-rollback, which would roll back to the new version", () => {
    for (const name of ["web-staging", "web-production"]) {
      const [group] = resourcesOf(synthAll()[name], "aws_autoscaling_group");
      expect(group.instance_refresh).toMatchObject({ strategy: "Rolling", preferences: { auto_rollback: false } });
    }
  });
});

describe("AWS contract: builds and sharing", () => {
  const shared = synthAll().shared;

  // Image Builder user guide, pipeline schedule: EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE
  // starts a build only when a newer parent image or component version exists.
  it("builds on every tick by default, so each build's UpdateOS brings the OS patches", () => {
    const [pipeline] = resourcesOf(shared, "aws_imagebuilder_image_pipeline");
    expect(pipeline.schedule).toMatchObject({ pipeline_execution_start_condition: "EXPRESSION_MATCH_ONLY" });
  });

  it("gives build instances no ECR policy (AMI recipes need none)", () => {
    expect(JSON.stringify(resourcesOf(shared, "aws_iam_role_policy_attachment"))).not.toContain("ECRContainerBuilds");
  });

  // EC2 user guide, "Share an Amazon EBS snapshot": snapshots encrypted with the AWS managed key
  // cannot be shared; so recipe volumes always use the organization key (or the image's own CMK).
  it("encrypts every recipe volume with a customer-managed key", () => {
    const [recipe] = resourcesOf(shared, "aws_imagebuilder_image_recipe");
    for (const device of recipe.block_device_mapping as { ebs: { kms_key_id?: string } }[]) expect(device.ebs.kms_key_id).toMatch(/aws_kms_key/);
  });

  // EC2 Image Builder user guide, "Create and update AMI distribution configurations": the
  // distribution's kmsKeyId "doesn't apply for the original AMI that the build creates in the source
  // Region"; that AMI's snapshots are encrypted as the recipe maps its volumes (docs/aws-contract.md).
  it("maps the root device encrypted with the key, so the shared region's AMI is encrypted too", () => {
    const [recipe] = resourcesOf(shared, "aws_imagebuilder_image_recipe");
    const [root] = recipe.block_device_mapping as { device_name: string; ebs: { encrypted: string; kms_key_id?: string; volume_size?: number } }[];
    expect(root.device_name).toBe("/dev/xvda");
    expect(root.ebs.encrypted).toBe("true");
    expect(root.ebs.kms_key_id).toMatch(/aws_kms_key/);
    expect(root.ebs.volume_size).toBeUndefined(); // the parent's size stays
  });

  it("limits every provider to the account its configuration names (allowed_account_ids)", () => {
    const stacks = synthAll();
    expect(JSON.parse(stacks.shared).provider.aws.map((p: { allowed_account_ids: string[] }) => p.allowed_account_ids)).toEqual([["111122223333"]]);
    expect(JSON.parse(stacks["web-staging"]).provider.aws[0].allowed_account_ids).toEqual(["444455556666"]);
  });
});
