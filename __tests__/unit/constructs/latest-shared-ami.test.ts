import { LatestSharedAmi, PinnedSharedAmi } from "../../../constructs/latest-shared-ami";
import { synthBare, Synthesized } from "../../helpers/bare-stack";

type Lookup = {
  owners: string[];
  filter: { name: string; values: string[] }[];
  name_regex?: string;
  include_deprecated: boolean;
  sort_ascending?: boolean;
  lifecycle?: { precondition?: { condition: string; error_message: string }[]; postcondition?: { condition: string; error_message: string }[] };
};
const lookups = (s: Synthesized) => s.data?.aws_ami_ids as unknown as Record<string, Lookup>;
const candidates = (s: Synthesized) => Object.entries(lookups(s)).find(([name]) => name.includes("Candidates"))![1];
const OWNER = "111122223333";
const REVOKED = { "sample_v2_2026-01-02T00-00-00.000Z": "CVE-2026-0001 in the kernel" };

describe("LatestSharedAmi", () => {
  it("takes the newest available, non-deprecated AMI of the image, owned by the shared account, by exact name", () => {
    const lookup = candidates(synthBare((stack) => new LatestSharedAmi(stack, "Ami", { imageName: "sample", ownerAccountId: OWNER })));
    expect(lookup).toMatchObject({ owners: [OWNER], include_deprecated: false, sort_ascending: false });
    expect(lookup.filter).toEqual([
      { name: "name", values: ["sample_v*_*"] },
      { name: "state", values: ["available"] },
    ]);
    expect(new RegExp(lookup.name_regex!).test("sample_v12_2026-01-02T03-04-05.678Z")).toBe(true);
    expect(new RegExp(lookup.name_regex!).test("sample-legacy_v1_2026-01-02T03-04-05.678Z")).toBe(false);
  });

  it("fails the plan, naming the image and what to do, when there is no AMI", () => {
    const lookup = candidates(synthBare((stack) => new LatestSharedAmi(stack, "Ami", { imageName: "sample", ownerAccountId: OWNER })));
    expect(lookup.lifecycle?.postcondition?.[0]).toMatchObject({ condition: "${length(self.ids) > 0}" });
    expect(lookup.lifecycle?.postcondition?.[0].error_message).toContain('Run the "sample" pipeline in the shared account first');
  });

  it("steps past revoked builds: their copies in this region are looked up by name and left out", () => {
    const s = synthBare((stack) => new LatestSharedAmi(stack, "Ami", { imageName: "sample", ownerAccountId: OWNER, revoked: REVOKED }));
    const revoked = Object.entries(lookups(s)).find(([name]) => name.includes("RevokedCopies"))![1];
    expect(revoked).toMatchObject({ include_deprecated: true, filter: [{ name: "name", values: Object.keys(REVOKED) }] });
  });
});

describe("PinnedSharedAmi", () => {
  it("checks a pinned id is an AMI of the image, deprecated allowed (it was chosen)", () => {
    const lookup = candidates(
      synthBare(
        (stack) =>
          new PinnedSharedAmi(stack, "Ami", { imageName: "sample", ownerAccountId: OWNER, match: { imageId: "ami-0123456789abcdef0" }, origin: "pinned" }),
      ),
    );
    expect(lookup.include_deprecated).toBe(true);
    expect(lookup.filter).toContainEqual({ name: "image-id", values: ["ami-0123456789abcdef0"] });
  });

  it("finds a build by name in this region, and refuses a revoked build before the plan reads anything", () => {
    const name = Object.keys(REVOKED)[0];
    const lookup = candidates(
      synthBare(
        (stack) =>
          new PinnedSharedAmi(stack, "Ami", {
            imageName: "sample",
            ownerAccountId: OWNER,
            match: { amiName: name },
            origin: "of channel production",
            revoked: REVOKED,
            includeDeprecated: false,
          }),
      ),
    );
    expect(lookup.filter[0]).toEqual({ name: "name", values: [name] });
    expect(lookup.lifecycle?.precondition?.[0].error_message).toBe(
      `The AMI of channel production is revoked: build ${name}: CVE-2026-0001 in the kernel. Promote or pin another AMI of the image (golden-ami promote, or ami.image_id), then plan again.`,
    );
  });
});
