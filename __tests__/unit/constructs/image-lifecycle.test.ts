import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { ImageLifecyclePolicy, LifecycleExecutionRole } from "../../../constructs/image-lifecycle";
import { only, synthBare } from "../../helpers/bare-stack";

type Detail = { action: { type: string; include_resources: Record<string, boolean>[] }[]; filter: { value: number }[]; exclusion_rules: unknown[] };

describe("ImageLifecyclePolicy", () => {
  const synthesized = synthBare((stack) => {
    const executionRole = new LifecycleExecutionRole(stack, "Role", { name: "golden-ami-lifecycle", partition: new DataAwsPartition(stack, "p") });
    new ImageLifecyclePolicy(stack, "Lifecycle", {
      imageName: "sample",
      recipe: { name: "sample", versions: ["1.1.0", "1.0.0"] },
      executionRole,
      deprecateBeyondNewest: 2,
      deleteBeyondNewest: 5,
      retainTag: "GoldenAmiRetain",
    });
  });
  const policy = only(synthesized, "aws_imagebuilder_lifecycle_policy");
  const details = policy.policy_detail as Detail[];

  it("deprecates the AMIs themselves beyond the newest N, then deletes AMIs and snapshots beyond the newest M", () => {
    expect(details.map((d) => [d.action[0].type, d.filter[0].value, d.action[0].include_resources[0]])).toEqual([
      ["DEPRECATE", 2, { amis: true, snapshots: false, containers: false }],
      ["DELETE", 5, { amis: true, snapshots: true, containers: false }],
    ]);
  });

  it("never touches an AMI launched recently or carrying the retain tag", () => {
    for (const detail of details)
      expect(detail.exclusion_rules).toEqual([
        { amis: [{ is_public: false, last_launched: [{ unit: "DAYS", value: 30 }], tag_map: { GoldenAmiRetain: "true" } }] },
      ]);
  });

  it("covers every recipe version still worth managing, run by Image Builder's lifecycle role", () => {
    expect(policy.resource_selection).toEqual([
      {
        recipe: [
          { name: "sample", semantic_version: "1.1.0" },
          { name: "sample", semantic_version: "1.0.0" },
        ],
      },
    ]);
    expect(JSON.parse(only(synthesized, "aws_iam_role").assume_role_policy as string).Statement[0].Principal).toEqual({
      Service: "imagebuilder.amazonaws.com",
    });
  });
});
