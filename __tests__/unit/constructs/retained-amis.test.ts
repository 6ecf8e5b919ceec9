import { RetainedAmis } from "../../../constructs/retained-amis";
import { synthBare } from "../../helpers/bare-stack";

const build = (builds: string[], amiIds: string[]) =>
  synthBare((stack) => new RetainedAmis(stack, "Retained", { ownerAccountId: "111122223333", tagKey: "GoldenAmiRetain", builds, amiIds }));

describe("RetainedAmis", () => {
  it("finds each build's copies in this region by name, deprecated included, and tags every one", () => {
    const synthesized = build(["sample_v2_2026-01-02T00-00-00.000Z", "sample_v1_2026-01-01T00-00-00.000Z", "sample_v2_2026-01-02T00-00-00.000Z"], []);
    const lookup = Object.values(synthesized.data?.aws_ami_ids ?? {});
    expect(lookup).toEqual([
      expect.objectContaining({
        owners: ["111122223333"],
        include_deprecated: true,
        filter: [{ name: "name", values: ["sample_v1_2026-01-01T00-00-00.000Z", "sample_v2_2026-01-02T00-00-00.000Z"] }],
      }),
    ]);
    const tags = Object.values(synthesized.resource.aws_ec2_tag);
    expect(tags).toEqual([expect.objectContaining({ key: "GoldenAmiRetain", value: "true", for_each: expect.stringContaining(".ids") })]);
  });

  it("tags pinned AMI ids directly, once each", () => {
    const tags = Object.values(build([], ["ami-0bbbbbbbbbbbbbbbb", "ami-0aaaaaaaaaaaaaaaa", "ami-0bbbbbbbbbbbbbbbb"]).resource.aws_ec2_tag);
    expect(tags.map((t) => t.resource_id)).toEqual(["ami-0aaaaaaaaaaaaaaaa", "ami-0bbbbbbbbbbbbbbbb"]);
  });

  it("makes nothing when nothing is retained", () => {
    expect(build([], []).resource).toBeUndefined();
  });
});
