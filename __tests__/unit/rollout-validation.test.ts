import type { RawConfig } from "../helpers/example";
import { describeRules, Rule } from "../helpers/rules";

const stagingGroup = "workloads[0].auto_scaling";

const rules: Rule[] = [
  {
    rule: "a group needs subnets (or says it has no group)",
    bad: (c) => delete c.workloads[0].auto_scaling.subnet_ids,
    good: (c) => (c.workloads[0].auto_scaling = { enabled: false }),
    path: `${stagingGroup}.subnet_ids`,
    mentions: ["got nothing", "auto_scaling.enabled: false"],
  },
  {
    rule: "min_size is at most max_size",
    bad: (c) => (c.workloads[0].auto_scaling.min_size = 3),
    good: (c) => (c.workloads[0].auto_scaling.min_size = 2),
    path: `${stagingGroup}.min_size`,
    mentions: ["got 3", "max_size (2)"],
  },
  {
    rule: "desired_capacity lies between min and max",
    bad: (c) => (c.workloads[0].auto_scaling.desired_capacity = 5),
    good: (c) => (c.workloads[0].auto_scaling.desired_capacity = 2),
    path: `${stagingGroup}.desired_capacity`,
    mentions: ["got 5", "between min_size 1 and max_size 2"],
  },
  {
    rule: "minimum healthy percentage is a percentage",
    bad: (c) => (c.workloads[0].auto_scaling.instance_refresh.min_healthy_percentage = 120),
    good: (c) => (c.workloads[0].auto_scaling.instance_refresh.min_healthy_percentage = 100),
    path: `${stagingGroup}.instance_refresh.min_healthy_percentage`,
    mentions: ["got 120", "<=100"],
  },
  {
    rule: "maximum healthy percentage stays within 100 of the minimum",
    bad: (c) => Object.assign(c.workloads[0].auto_scaling.instance_refresh, { min_healthy_percentage: 0, max_healthy_percentage: 150 }),
    good: (c) => Object.assign(c.workloads[0].auto_scaling.instance_refresh, { min_healthy_percentage: 50, max_healthy_percentage: 150 }),
    path: `${stagingGroup}.instance_refresh.max_healthy_percentage`,
    mentions: ["got 150", "min_healthy_percentage + 100 (100)"],
  },
  {
    rule: "checkpoints ascend",
    bad: (c) => (c.workloads[0].auto_scaling.instance_refresh.checkpoint_percentages = [50, 20, 100]),
    good: (c) => (c.workloads[0].auto_scaling.instance_refresh.checkpoint_percentages = [20, 50, 100]),
    path: `${stagingGroup}.instance_refresh.checkpoint_percentages`,
    mentions: ["[50,20,100]", "ascending order ending at 100"],
  },
  {
    rule: "checkpoints are unique",
    bad: (c) => (c.workloads[0].auto_scaling.instance_refresh.checkpoint_percentages = [50, 50, 100]),
    good: (c) => (c.workloads[0].auto_scaling.instance_refresh.checkpoint_percentages = [50, 100]),
    path: `${stagingGroup}.instance_refresh.checkpoint_percentages`,
    mentions: ["[50,50,100]", "unique"],
  },
  {
    rule: "checkpoints end at 100",
    bad: (c) => (c.workloads[0].auto_scaling.instance_refresh.checkpoint_percentages = [25, 50]),
    good: (c) => (c.workloads[0].auto_scaling.instance_refresh.checkpoint_percentages = [25, 50, 100]),
    path: `${stagingGroup}.instance_refresh.checkpoint_percentages`,
    mentions: ["[25,50]", "ending at 100"],
  },
  {
    rule: "an instance refresh with $Latest is refused (it would never start)",
    bad: (c) => (c.workloads[0].auto_scaling.launch_template_version = "$Latest"),
    good: (c) => Object.assign(c.workloads[0].auto_scaling, { launch_template_version: "$Latest", instance_refresh: { enabled: false } }),
    path: `${stagingGroup}.launch_template_version`,
    mentions: ['"$Latest"', "never starts"],
  },
  {
    // terraform-provider-aws #34189: the group is updated before the refresh, so a rollback returns to the new version.
    rule: "auto-rollback is refused: with Terraform it would roll back to the new version",
    bad: (c) => (c.workloads[0].auto_scaling.instance_refresh.auto_rollback = true),
    good: (c) => (c.workloads[0].auto_scaling.instance_refresh.auto_rollback = false),
    path: `${stagingGroup}.instance_refresh.auto_rollback`,
    mentions: ["got true", "#34189", "pin the previous AMI"],
  },
  {
    rule: "only one stack per account creates the Auto Scaling service-linked role",
    bad: (c) => c.workloads.forEach((w: RawConfig) => (w.auto_scaling.service_linked_role = "create")),
    good: (c) => (c.workloads[0].auto_scaling.service_linked_role = "create"),
    path: "workloads[1].auto_scaling.service_linked_role",
    mentions: ['got "create"', "web-staging", "444455556666", '"existing"'],
  },
  {
    rule: "an instance refresh with $Default is refused too (it would never start)",
    bad: (c) => Object.assign(c.workloads[0].auto_scaling, { launch_template_version: "$Default", instance_refresh: { auto_rollback: false } }),
    good: (c) => Object.assign(c.workloads[0].auto_scaling, { launch_template_version: "latest", instance_refresh: { auto_rollback: false } }),
    path: `${stagingGroup}.launch_template_version`,
    mentions: ['"$Default"', 'expected "latest"'],
  },
  {
    rule: "an ELB health check needs target groups",
    bad: (c) => (c.workloads[0].auto_scaling.health_check_type = "ELB"),
    good: (c) =>
      Object.assign(c.workloads[0].auto_scaling, {
        health_check_type: "ELB",
        target_group_arns: ["arn:aws:elasticloadbalancing:ap-northeast-1:444455556666:targetgroup/web/0123456789abcdef"],
      }),
    path: `${stagingGroup}.health_check_type`,
    mentions: ['"ELB"', "target_group_arns"],
  },
  {
    rule: "an AMI source is latest, pinned or environment",
    bad: (c) => (c.workloads[0].ami = { source: "newest" }),
    good: (c) => (c.workloads[0].ami = { source: "latest" }),
    path: "workloads[0].ami.source",
    mentions: ['"newest"', '"latest", "pinned"'],
  },
  {
    rule: "a pinned AMI is an AMI id",
    bad: (c) => (c.workloads[1].ami = { source: "pinned", image_id: "sample_v3" }),
    good: (c) => (c.workloads[1].ami = { source: "pinned", image_id: "ami-0123456789abcdef0" }),
    path: "workloads[1].ami.image_id",
    mentions: ['"sample_v3"', "AMI id"],
  },
  {
    rule: "following an environment needs a workload of that environment and image",
    bad: (c) => (c.workloads[1].ami.environment = "qa"),
    good: (c) => (c.workloads[1].ami.environment = "staging"),
    path: "workloads[1].ami.environment",
    mentions: ['"qa"', 'running image "sample"'],
  },
  {
    rule: "the followed environment runs in the same account and region",
    bad: (c) => (c.workloads[0].region = "eu-west-1"),
    good: (c) => {
      c.workloads[0].region = "eu-west-1";
      c.images[0].distribution.regions = ["ap-northeast-1", "eu-west-1"];
      c.workloads[1].ami = { source: "pinned", image_id: "ami-0123456789abcdef0" };
    },
    path: "workloads[1].ami.environment",
    mentions: ['"staging"', "444455556666/eu-west-1", "source: pinned"],
  },
  {
    rule: "the followed environment publishes its AMI",
    bad: (c) => (c.workloads[0].publish_ami_parameter = false),
    good: (c) => (c.workloads[0].publish_ami_parameter = true),
    path: "workloads[1].ami.environment",
    mentions: ['"staging"', "does not publish"],
  },
  {
    rule: "blue/green needs the Auto Scaling settings",
    bad: (c) => Object.assign(c.workloads[1], { auto_scaling: { enabled: false }, blue_green: {} }),
    good: (c) => (c.workloads[1].blue_green = {}),
    path: "workloads[1].auto_scaling.enabled",
    mentions: ["got false", "two Auto Scaling groups"],
  },
  {
    rule: "a colour's min_size is at most its max_size",
    bad: (c) => (c.workloads[1].blue_green = { blue: { ami: { source: "latest" }, serves: ["production"], min_size: 3, max_size: 1 } }),
    good: (c) => (c.workloads[1].blue_green = { blue: { ami: { source: "latest" }, serves: ["production"], min_size: 1, max_size: 3 } }),
    path: "workloads[1].blue_green.blue.min_size",
    mentions: ["got 3", "max_size (1)"],
  },
  {
    rule: "a colour serves production or verification",
    bad: (c) => (c.workloads[1].blue_green = { green: { ami: { source: "latest" }, serves: ["canary"], min_size: 1, max_size: 1 } }),
    good: (c) => (c.workloads[1].blue_green = { green: { ami: { source: "latest" }, serves: ["verification"], min_size: 1, max_size: 1 } }),
    path: "workloads[1].blue_green.green.serves[0]",
    mentions: ['"canary"'],
  },
];

describe("rollout validation", () => {
  describeRules(rules);
});
