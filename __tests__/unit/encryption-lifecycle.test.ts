import { ImagebuilderLifecyclePolicy } from "@cdktf/provider-aws/lib/imagebuilder-lifecycle-policy";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsGrant } from "@cdktf/provider-aws/lib/kms-grant";
import { Testing } from "cdktf";
import { addStacks } from "../../stacks";
import { exampleRaw, load, RawConfig, resourcesOf, synthAll } from "../helpers/example";
import { describeRules } from "../helpers/rules";

const amiKeyOf = (shared: string) => {
  const keys = JSON.parse(shared).resource.aws_kms_key as Record<
    string,
    { description: string; policy: string; enable_key_rotation: boolean; multi_region: boolean }
  >;
  const [id, key] = Object.entries(keys).find(([, k]) => k.description.includes("golden AMIs"))!;
  return { id, key, policy: JSON.parse(key.policy) };
};

describe("organization-wide AMI key (ami_encryption, on in the example)", () => {
  const stacks = synthAll();
  const { id, key, policy } = amiKeyOf(stacks.shared);

  it("is a rotated, multi-region customer-managed key with an alias", () => {
    expect(key).toMatchObject({ enable_key_rotation: true, multi_region: true });
    expect(stacks.shared).toHaveResourceWithProperties(KmsAlias, { name: "alias/golden-ami" });
  });

  it("has the key policy pinned in aws-contract.test.ts and evaluated in access-key-policy.test.ts", () => {
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      "AccountAdministers",
      "OrganizationDescribesKey",
      "OrganizationLaunchesSharedAmis",
      "OrganizationGrantsToAwsServices",
      "OrganizationGrantsToAutoScaling",
      "OrganizationListsGrants",
    ]);
  });

  it("encrypts the components, the recipe's volumes and the distributed AMIs with it", () => {
    for (const component of resourcesOf(stacks.shared, "aws_imagebuilder_component")) expect(component.kms_key_id).toBe(`\${aws_kms_key.${id}.arn}`);
    const [recipe] = resourcesOf(stacks.shared, "aws_imagebuilder_image_recipe");
    expect(JSON.stringify(recipe.block_device_mapping)).toContain(`"kms_key_id":"\${aws_kms_key.${id}.arn}"`);
    const [distribution] = resourcesOf(stacks.shared, "aws_imagebuilder_distribution_configuration");
    expect(JSON.stringify(distribution.distribution)).toContain(`"kms_key_id":"\${aws_kms_key.${id}.arn}"`);
  });

  it("replicates into every other distribution region, with a provider and alias there, and uses the replica's ARN", () => {
    const raw: RawConfig = exampleRaw();
    raw.images[0].distribution.regions = ["ap-northeast-1", "eu-west-1"];
    const shared = synthAll(raw).shared;
    const json = JSON.parse(shared);
    expect(json.provider.aws.map((p: { region: string; alias?: string }) => [p.region, p.alias])).toEqual([
      ["ap-northeast-1", undefined],
      ["eu-west-1", "eu-west-1"],
    ]);
    const [replicaId] = Object.keys(json.resource.aws_kms_replica_key);
    const [distribution] = resourcesOf(shared, "aws_imagebuilder_distribution_configuration");
    const regions = distribution.distribution as { region: string; ami_distribution_configuration: { kms_key_id: string } }[];
    expect(regions[1]).toMatchObject({ region: "eu-west-1", ami_distribution_configuration: { kms_key_id: `\${aws_kms_replica_key.${replicaId}.arn}` } });
  });

  it("grants each workload's Auto Scaling service-linked role the key, found by alias", () => {
    const staging = stacks["web-staging"];
    expect(staging).toHaveResourceWithProperties(KmsGrant, {
      grantee_principal:
        "arn:${data.aws_partition.partition.partition}:iam::444455556666:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
      operations: expect.arrayContaining(["Decrypt", "ReEncryptFrom", "GenerateDataKeyWithoutPlaintext", "CreateGrant"]),
    });
    const [key] = resourcesOf(staging, "aws_kms_key", "data");
    expect(key.key_id).toBe("arn:${data.aws_partition.partition.partition}:kms:ap-northeast-1:111122223333:alias/golden-ami");
  });

  it("is absent, with no grants, when ami_encryption is off", () => {
    const raw: RawConfig = exampleRaw();
    raw.ami_encryption.enabled = false;
    raw.images[0].block_devices = []; // volumes without a customer key are refused (unshareable)
    const off = synthAll(raw);
    expect(Object.values(JSON.parse(off.shared).resource.aws_kms_key as Record<string, { description: string }>).map((k) => k.description)).not.toContain(
      "Encrypts the organization's golden AMIs",
    );
    expect(resourcesOf(off["web-staging"], "aws_kms_grant")).toEqual([]);
  });
});

describe("an image's own keys (distribution.kms_key_arn), one per distribution region", () => {
  const TOKYO = "arn:aws:kms:ap-northeast-1:111122223333:key/tokyo";
  const IRELAND = "arn:aws:kms:eu-west-1:111122223333:key/ireland";
  const ownKeys = (): RawConfig => {
    const raw: RawConfig = exampleRaw();
    raw.ami_encryption.enabled = false;
    raw.images[0].distribution = {
      ...raw.images[0].distribution,
      regions: ["ap-northeast-1", "eu-west-1"],
      kms_key_arn: TOKYO,
      region_kms_key_arns: { "eu-west-1": IRELAND },
    };
    raw.workloads[1].region = "eu-west-1";
    raw.workloads[1].ami = { source: "latest" };
    return raw;
  };

  it("encrypts each region's copy with that region's key (CopyImage needs a key in the destination region)", () => {
    const [distribution] = resourcesOf(synthAll(ownKeys()).shared, "aws_imagebuilder_distribution_configuration");
    const regions = distribution.distribution as { region: string; ami_distribution_configuration: { kms_key_id: string } }[];
    expect(regions.map((r) => [r.region, r.ami_distribution_configuration.kms_key_id])).toEqual([
      ["ap-northeast-1", TOKYO],
      ["eu-west-1", IRELAND],
    ]);
  });

  it("grants each workload's Auto Scaling its own region's key", () => {
    const stacks = synthAll(ownKeys());
    expect(resourcesOf(stacks["web-staging"], "aws_kms_key", "data")[0].key_id).toBe(TOKYO);
    expect(resourcesOf(stacks["web-production"], "aws_kms_key", "data")[0].key_id).toBe(IRELAND);
    expect(resourcesOf(stacks["web-production"], "aws_kms_grant")).toEqual([
      expect.objectContaining({
        grantee_principal:
          "arn:${data.aws_partition.partition.partition}:iam::444455556666:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
      }),
    ]);
  });

  describeRules([
    {
      rule: "every other distribution region names its own key",
      bad: (c) => Object.assign(c, ownKeys(), { workloads: c.workloads }) && (c.images[0].distribution.region_kms_key_arns = {}),
      good: (c) => Object.assign(c, ownKeys(), { workloads: c.workloads }),
      path: "images[0].distribution.region_kms_key_arns",
      mentions: ["got no key for eu-west-1", "CopyImage encrypts each copy with a key of its own region"],
    },
    {
      rule: "a region's key lies in that region",
      bad: (c) => Object.assign(c, ownKeys(), { workloads: c.workloads }) && (c.images[0].distribution.region_kms_key_arns = { "eu-west-1": TOKYO }),
      good: (c) => Object.assign(c, ownKeys(), { workloads: c.workloads }),
      path: "images[0].distribution.region_kms_key_arns.eu-west-1",
      mentions: [TOKYO, "expected a key in eu-west-1"],
    },
    {
      rule: "the image's key lies in the shared region",
      bad: (c) => Object.assign(c, ownKeys(), { workloads: c.workloads }) && (c.images[0].distribution.kms_key_arn = IRELAND),
      good: (c) => Object.assign(c, ownKeys(), { workloads: c.workloads }),
      path: "images[0].distribution.kms_key_arn",
      mentions: [IRELAND, "expected a key in the shared region ap-northeast-1"],
    },
  ]);
});

describe("lifecycle policy", () => {
  const shared = synthAll().shared;

  it("deprecates beyond the newest 3 and deletes AMIs and snapshots beyond the newest 10, sparing AMIs launched in 30 days", () => {
    const inUse = [{ amis: [{ is_public: false, last_launched: [{ unit: "DAYS", value: 30 }], tag_map: { GoldenAmiRetain: "true" } }] }];
    expect(shared).toHaveResourceWithProperties(ImagebuilderLifecyclePolicy, {
      name: "sample-lifecycle",
      resource_type: "AMI_IMAGE",
      status: "ENABLED",
      resource_selection: [
        {
          recipe: [
            { name: "sample", semantic_version: "1.0.1" },
            { name: "sample", semantic_version: "1.0.0" },
          ],
        },
      ],
      policy_detail: [
        {
          action: [{ type: "DEPRECATE", include_resources: [{ amis: true, snapshots: false, containers: false }] }],
          filter: [{ type: "COUNT", value: 3 }],
          exclusion_rules: inUse,
        },
        {
          action: [{ type: "DELETE", include_resources: [{ amis: true, snapshots: true, containers: false }] }],
          filter: [{ type: "COUNT", value: 10 }],
          exclusion_rules: inUse,
        },
      ],
    });
  });

  it("runs as a role Image Builder assumes, with the lifecycle execution policy", () => {
    const role = resourcesOf(shared, "aws_iam_role").find((r) => r.name === "golden-ami-lifecycle")!;
    expect(JSON.parse(role.assume_role_policy as string).Statement[0].Principal).toEqual({ Service: "imagebuilder.amazonaws.com" });
    expect(JSON.stringify(resourcesOf(shared, "aws_iam_role_policy_attachment"))).toContain("service-role/EC2ImageBuilderLifecycleExecutionPolicy");
  });

  it("is left out when the image says so", () => {
    const raw: RawConfig = exampleRaw();
    raw.images[0].lifecycle = { enabled: false };
    expect(resourcesOf(synthAll(raw).shared, "aws_imagebuilder_lifecycle_policy")).toEqual([]);
  });
});

describe("encryption and lifecycle validation", () => {
  describeRules([
    {
      rule: "ami_encryption and an image's own key are exclusive",
      bad: (c) => (c.images[0].distribution.kms_key_arn = "arn:aws:kms:ap-northeast-1:111122223333:key/abc"),
      good: (c) =>
        Object.assign(c, { ami_encryption: { enabled: false } }) && (c.images[0].distribution.kms_key_arn = "arn:aws:kms:ap-northeast-1:111122223333:key/abc"),
      path: "images[0].distribution.kms_key_arn",
      mentions: ["key/abc", "one of the two"],
    },
    {
      rule: "volumes need a customer-managed key (aws/ebs snapshots cannot be shared)",
      bad: (c) => (c.ami_encryption.enabled = false),
      good: (c) => Object.assign(c, { ami_encryption: { enabled: false } }) && (c.images[0].block_devices = []),
      path: "images[0].block_devices",
      mentions: ["aws/ebs", "cannot be shared", "ami_encryption.enabled: true", "kms_key_arn"],
    },
    {
      rule: "AMIs are deprecated before they are deleted",
      bad: (c) => (c.images[0].lifecycle.delete_beyond_newest = 2),
      good: (c) => (c.images[0].lifecycle.delete_beyond_newest = 3),
      path: "images[0].lifecycle.delete_beyond_newest",
      mentions: ["got 2", "deprecate_beyond_newest (3)"],
    },
  ]);
});

// Image Builder API reference, LifecyclePolicyDetailExclusionRulesAmis: lastLaunched does not exclude
// AMIs with no recorded launch, so a steady fleet's AMI (a channel's, a pin) is protected by a tag.
describe("lifecycle: AMIs that channels serve or workloads pin are never deprecated or deleted", () => {
  const channel = (build: number) => ({
    ami_id: "ami-0aaaaaaaaaaaaaaa1",
    ami_name: `sample_v${build}_2026-01-01T00-00-00.000Z`,
    promoted_from: "staging",
    promoted_at: "2026-01-01T00:00:00Z",
  });
  const sharedWith = (channels: Record<string, Record<string, ReturnType<typeof channel>>>, pin?: string) => {
    const raw = exampleRaw();
    raw.images[0].distribution.regions = ["ap-northeast-1", "eu-west-1"];
    if (pin) raw.workloads[1].ami = { source: "pinned", image_id: pin };
    const app = Testing.app();
    const { shared } = addStacks(app, { ...load(raw), channels });
    return Testing.synth(shared);
  };
  /** Per region (provider): the builds whose copies get the tag, and the pinned ids tagged. */
  const retained = (synthesized: string) => {
    const byRegion: Record<string, { builds: unknown; ids: unknown[] }> = {};
    const regionOf = (provider: unknown) => (provider === undefined ? "ap-northeast-1" : String(provider).replace("aws.", ""));
    // The shared stack looks up AMIs for nothing else.
    for (const lookup of resourcesOf(synthesized, "aws_ami_ids", "data")) {
      byRegion[regionOf(lookup.provider)] = { builds: (lookup.filter as { values: unknown }[])[0].values, ids: [] };
      expect(lookup).toMatchObject({ owners: ["111122223333"], include_deprecated: true });
    }
    for (const tag of resourcesOf(synthesized, "aws_ec2_tag")) {
      expect([tag.key, tag.value]).toEqual(["GoldenAmiRetain", "true"]);
      const region = regionOf(tag.provider);
      byRegion[region] ??= { builds: [], ids: [] };
      byRegion[region].ids.push(tag.for_each ? `each of ${String(tag.for_each)}` : tag.resource_id);
    }
    return byRegion;
  };

  it("excludes AMIs tagged GoldenAmiRetain=true from both actions, besides recently launched ones", () => {
    const [policy] = resourcesOf(sharedWith({}), "aws_imagebuilder_lifecycle_policy");
    for (const detail of policy.policy_detail as { exclusion_rules: { amis: { tag_map: unknown; last_launched: unknown }[] }[] }[]) {
      expect(detail.exclusion_rules[0].amis[0].tag_map).toEqual({ GoldenAmiRetain: "true" });
      expect(detail.exclusion_rules[0].amis[0].last_launched).toBeDefined();
    }
  });

  it("tags every region's copy of what each channel serves, and what a workload pins in its region; moving a channel moves the tag", () => {
    const before = retained(sharedWith({ sample: { production: channel(4) } }, "ami-0ccccccccccccccc3"));
    expect(before).toEqual({
      "ap-northeast-1": {
        builds: ["sample_v4_2026-01-01T00-00-00.000Z"],
        ids: [expect.stringMatching(/^each of \$\{toset\(data\.aws_ami_ids\.Retain-ap-northeast-1_Builds_\w+\.ids\)\}$/), "ami-0ccccccccccccccc3"],
      },
      "eu-west-1": {
        builds: ["sample_v4_2026-01-01T00-00-00.000Z"],
        ids: [expect.stringMatching(/^each of \$\{toset\(data\.aws_ami_ids\.Retain-eu-west-1_Builds_\w+\.ids\)\}$/)],
      },
    });
    const after = retained(sharedWith({ sample: { production: channel(5) } }, "ami-0ccccccccccccccc3"));
    expect(after["ap-northeast-1"].builds).toEqual(["sample_v5_2026-01-01T00-00-00.000Z"]);
    expect(after["eu-west-1"].builds).toEqual(["sample_v5_2026-01-01T00-00-00.000Z"]);
    expect(after["ap-northeast-1"].ids).toContain("ami-0ccccccccccccccc3");
    expect(JSON.stringify(after)).not.toContain("sample_v4_");
  });
});
