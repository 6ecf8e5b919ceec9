import { TerraformStack } from "cdktf";
import { RollingAutoScalingGroup, RollingAutoScalingGroupProps } from "../../../constructs/rolling-auto-scaling-group";
import { RollingLaunchTemplate } from "../../../constructs/rolling-launch-template";
import { only, synthBare } from "../../helpers/bare-stack";

type Extra = Omit<RollingAutoScalingGroupProps, "name" | "launchTemplate" | "subnetIds" | "minSize" | "maxSize">;

function group(extra: Extra = {}) {
  const build = (stack: TerraformStack) => {
    const launchTemplate = new RollingLaunchTemplate(stack, "Template", {
      namePrefix: "web",
      imageId: "ami-0123456789abcdef0",
      instanceType: "t3.small",
      rootVolume: { sizeGib: 30 },
      securityGroupIds: ["sg-0123456789abcdef0"],
    });
    new RollingAutoScalingGroup(stack, "Group", { name: "web", launchTemplate, subnetIds: ["subnet-0123456789abcdef0"], minSize: 1, maxSize: 3, ...extra });
  };
  return only(synthBare(build), "aws_autoscaling_group");
}

describe("RollingAutoScalingGroup", () => {
  it("follows the launch template's latest version, so each new version changes the group", () => {
    expect(group().launch_template).toEqual({
      id: expect.stringMatching(/^\$\{aws_launch_template\.Template_\w+\.id\}$/),
      version: expect.stringMatching(/^\$\{aws_launch_template\.Template_\w+\.latest_version\}$/),
    });
  });

  it('stays on "$Default" when told to, and then never starts a refresh by itself', () => {
    expect((group({ launchTemplateVersion: "$Default" }).launch_template as { version: string }).version).toBe("$Default");
  });

  it("rolls with the refresh preferences given, checkpoint delay only with checkpoints", () => {
    const refresh = group({ instanceRefresh: { minHealthyPercentage: 50 } }).instance_refresh as { strategy: string; preferences: Record<string, unknown> };
    expect(refresh.strategy).toBe("Rolling");
    expect(refresh.preferences).toMatchObject({ min_healthy_percentage: 50, max_healthy_percentage: 100, auto_rollback: false, skip_matching: true });
    expect(refresh.preferences.checkpoint_delay).toBeUndefined();
    expect(group({ instanceRefresh: { checkpointPercentages: [50, 100] } }).instance_refresh).toMatchObject({
      preferences: { checkpoint_percentages: [50, 100], checkpoint_delay: "3600" },
    });
  });

  it("leaves the desired capacity to scaling unless the configuration owns it", () => {
    expect(group().lifecycle).toEqual({ ignore_changes: ["desired_capacity"] });
    const owned = group({ desiredCapacity: 2 });
    expect(owned.desired_capacity).toBe(2);
    expect(owned.lifecycle).toBeUndefined();
  });

  it("names its instances and propagates its tags to them", () => {
    expect(group({ tags: { Team: "web" } }).tag).toEqual([
      { key: "Name", value: "web", propagate_at_launch: true },
      { key: "Team", value: "web", propagate_at_launch: true },
    ]);
  });
});
