import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SharedAmiKey } from "../../../constructs/shared-ami-key";
import { only, synthBare } from "../../helpers/bare-stack";

// The key policy's decisions are evaluated in access-key-policy.test.ts; this is the key's shape.
describe("SharedAmiKey", () => {
  const synthesized = synthBare((stack) => {
    const replica = new AwsProvider(stack, "aws-us-east-1", { region: "us-east-1", alias: "us-east-1" });
    new SharedAmiKey(stack, "Key", {
      alias: "golden-ami",
      accountId: "111122223333",
      organizationId: "o-abcdefghij",
      partition: new DataAwsPartition(stack, "p"),
      region: "eu-west-1",
      replicaProviders: { "us-east-1": replica },
    });
  });

  it("is a rotating multi-Region key, replicated into each other distribution region with the same policy", () => {
    const key = only(synthesized, "aws_kms_key");
    expect(key).toMatchObject({ multi_region: true, enable_key_rotation: true, deletion_window_in_days: 30 });
    const replica = only(synthesized, "aws_kms_replica_key");
    expect(replica).toMatchObject({ provider: "aws.us-east-1", primary_key_arn: expect.stringMatching(/^\$\{aws_kms_key\.\w+\.arn\}$/) });
    expect(replica.policy).toBe(key.policy);
  });

  it("has the same alias in every region, which is how workloads find it", () => {
    const aliases = Object.values(synthesized.resource.aws_kms_alias);
    expect(aliases.map((a) => [a.name, a.provider ?? "home"]).sort()).toEqual([
      ["alias/golden-ami", "aws.us-east-1"],
      ["alias/golden-ami", "home"],
    ]);
  });
});
