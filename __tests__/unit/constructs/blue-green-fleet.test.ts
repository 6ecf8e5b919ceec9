import { BlueGreenFleet, BlueGreenFleetProps } from "../../../constructs/blue-green-fleet";
import { synthBare } from "../../helpers/bare-stack";

const build = (colours: BlueGreenFleetProps["colours"]) =>
  synthBare(
    (stack) =>
      new BlueGreenFleet(stack, "Fleet", {
        name: "web",
        vpcId: "vpc-0123456789abcdef0",
        colours,
        launchTemplate: { instanceType: "t3.small", rootVolume: { sizeGib: 30 }, securityGroupIds: ["sg-0123456789abcdef0"] },
        group: { subnetIds: ["subnet-0123456789abcdef0"] },
      }),
  );
const byName = <T extends Record<string, unknown>>(resources: Record<string, T> | undefined, key: string) =>
  Object.fromEntries(Object.values(resources ?? {}).map((r) => [r[key] as string, r]));

describe("BlueGreenFleet", () => {
  it("puts a production and a verification target group in front, whatever the colours", () => {
    const groups = byName(build({}).resource.aws_lb_target_group, "name");
    expect(Object.keys(groups).sort()).toEqual(["web-prod", "web-verify"]);
    expect(groups["web-prod"]).toMatchObject({ port: 80, protocol: "HTTP", health_check: { path: "/", matcher: "200-399" } });
  });

  it("gives each colour present its own launch template, AMI and group, registered where it serves", () => {
    const synthesized = build({
      blue: { imageId: "ami-0aaaaaaaaaaaaaaaa", serves: ["production"], minSize: 2, maxSize: 4 },
      green: { imageId: "ami-0bbbbbbbbbbbbbbbb", serves: ["verification"], minSize: 1, maxSize: 1 },
    });
    const templates = Object.values(synthesized.resource.aws_launch_template);
    expect(templates.map((t) => [t.name_prefix, t.image_id])).toEqual([
      ["web-blue-", "ami-0aaaaaaaaaaaaaaaa"],
      ["web-green-", "ami-0bbbbbbbbbbbbbbbb"],
    ]);
    const groups = byName(synthesized.resource.aws_autoscaling_group, "name");
    expect(groups["web-blue"]).toMatchObject({ min_size: 2, max_size: 4, desired_capacity: 2 });
    expect(groups["web-blue"].target_group_arns).toEqual([expect.stringMatching(/production-target-group\w*\.arn\}$/)]);
    expect(groups["web-green"].target_group_arns).toEqual([expect.stringMatching(/verification-target-group\w*\.arn\}$/)]);
  });

  it("has no template and no group for a colour left out", () => {
    const synthesized = build({ green: { imageId: "ami-0bbbbbbbbbbbbbbbb", serves: ["production"], minSize: 1, maxSize: 2 } });
    expect(Object.keys(byName(synthesized.resource.aws_autoscaling_group, "name"))).toEqual(["web-green"]);
  });
});
