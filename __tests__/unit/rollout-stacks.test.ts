import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { ImagebuilderInfrastructureConfiguration } from "@cdktf/provider-aws/lib/imagebuilder-infrastructure-configuration";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { exampleRaw, RawConfig, resourcesOf, synthAll } from "../helpers/example";

/** Key of the only resource of a type in a synthesized stack. */
function onlyKey(synthesized: string, type: string, kind: "resource" | "data" = "resource"): string {
  const keys = Object.keys(JSON.parse(synthesized)[kind][type]);
  expect(keys).toHaveLength(1);
  return keys[0];
}

describe("Auto Scaling group (rolling)", () => {
  const staging = synthAll()["web-staging"];
  const template = onlyKey(staging, "aws_launch_template");

  it("follows the launch template's latest_version, never $Latest or $Default", () => {
    expect(staging).toHaveResourceWithProperties(AutoscalingGroup, {
      launch_template: { id: `\${aws_launch_template.${template}.id}`, version: `\${aws_launch_template.${template}.latest_version}` },
    });
  });

  it("rolls instances with an instance refresh: Rolling, healthy percentage, warm-up, checkpoints, no auto-rollback (provider #34189), skip matching", () => {
    expect(staging).toHaveResourceWithProperties(AutoscalingGroup, {
      instance_refresh: {
        strategy: "Rolling",
        preferences: {
          min_healthy_percentage: 50,
          max_healthy_percentage: 100,
          instance_warmup: "300",
          checkpoint_percentages: [50, 100],
          checkpoint_delay: "600",
          auto_rollback: false,
          skip_matching: true,
        },
      },
    });
  });

  it("places instances in the configured subnets with the configured sizes and health check, under a fixed name", () => {
    // A fixed name, not a prefix: a create repeated after an interrupted apply fails instead of duplicating.
    expect(staging).toHaveResourceWithProperties(AutoscalingGroup, {
      name: "web-staging",
      vpc_zone_identifier: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
      min_size: 1,
      max_size: 2,
      health_check_type: "EC2",
      health_check_grace_period: 300,
    });
  });

  it("ignores desired capacity, which scaling owns, unless the configuration sets it", () => {
    const [group] = resourcesOf(staging, "aws_autoscaling_group");
    expect(group.lifecycle).toEqual({ ignore_changes: ["desired_capacity"] });
    const raw: RawConfig = exampleRaw();
    raw.workloads[0].auto_scaling.desired_capacity = 2;
    const [owned] = resourcesOf(synthAll(raw)["web-staging"], "aws_autoscaling_group");
    expect(owned).toMatchObject({ desired_capacity: 2 });
    expect(owned.lifecycle).toBeUndefined();
  });

  it("has no group, and no refresh block, where the configuration says so", () => {
    const raw: RawConfig = exampleRaw();
    raw.workloads[0].auto_scaling = { enabled: false };
    expect(resourcesOf(synthAll(raw)["web-staging"], "aws_autoscaling_group")).toEqual([]);
    const noRefresh: RawConfig = exampleRaw();
    noRefresh.workloads[0].auto_scaling.instance_refresh = { enabled: false };
    expect(resourcesOf(synthAll(noRefresh)["web-staging"], "aws_autoscaling_group")[0].instance_refresh).toBeUndefined();
  });
});

describe("staged promotion", () => {
  const stacks = synthAll();

  it("staging publishes the AMI it runs in SSM", () => {
    const template = onlyKey(stacks["web-staging"], "aws_launch_template");
    expect(stacks["web-staging"]).toHaveResourceWithProperties(SsmParameter, {
      name: "/golden-ami/sample/staging",
      type: "String",
      value: `\${aws_launch_template.${template}.image_id}`,
    });
  });

  it("production reads it and checks it is an AMI of the image owned by the shared account", () => {
    const production = stacks["web-production"];
    expect(production).toHaveDataSourceWithProperties(DataAwsSsmParameter, { name: "/golden-ami/sample/staging" });
    const parameter = onlyKey(production, "aws_ssm_parameter", "data");
    const [candidates] = resourcesOf(production, "aws_ami_ids", "data");
    expect(candidates).toMatchObject({ owners: ["111122223333"], include_deprecated: true });
    expect(candidates.filter).toContainEqual({ name: "image-id", values: [`\${data.aws_ssm_parameter.${parameter}.insecure_value}`] });
    expect(candidates.filter).toContainEqual({ name: "name", values: ["sample_v*_*"] });
    const message = (candidates.lifecycle as { postcondition: { error_message: string }[] }).postcondition[0].error_message;
    expect(message).toContain("that staging runs (SSM parameter /golden-ami/sample/staging)");
    expect(resourcesOf(production, "aws_ssm_parameter")).toEqual([]);
  });

  it("a pinned workload runs exactly the given AMI", () => {
    const raw: RawConfig = exampleRaw();
    raw.workloads[1].ami = { source: "pinned", image_id: "ami-0123456789abcdef0" };
    const [candidates] = resourcesOf(synthAll(raw)["web-production"], "aws_ami_ids", "data");
    expect(candidates.filter).toContainEqual({ name: "image-id", values: ["ami-0123456789abcdef0"] });
  });
});

describe("blue/green", () => {
  function blueGreen(blue: object | undefined, green: object | undefined): string {
    const raw: RawConfig = exampleRaw();
    raw.workloads[1].blue_green = { port: 8080, health_check_path: "/health", ...(blue && { blue }), ...(green && { green }) };
    return synthAll(raw)["web-production"];
  }
  const both = blueGreen(
    { ami: { source: "pinned", image_id: "ami-0aaaaaaaaaaaaaaaa" }, serves: ["production"], min_size: 2, max_size: 4 },
    { ami: { source: "latest" }, serves: ["verification"], min_size: 1, max_size: 1 },
  );
  const groups = JSON.parse(both).resource.aws_autoscaling_group as Record<string, { target_group_arns: string[]; min_size: number }>;
  const targetGroups = JSON.parse(both).resource.aws_lb_target_group as Record<string, { name: string }>;
  const arnOf = (suffix: string) => `\${aws_lb_target_group.${Object.keys(targetGroups).find((k) => targetGroups[k].name.endsWith(suffix))}.arn}`;

  it("creates a production and a verification target group", () => {
    expect(both).toHaveResourceWithProperties(LbTargetGroup, {
      name: "web-production-prod",
      port: 8080,
      health_check: { path: "/health", matcher: "200-399" },
    });
    expect(both).toHaveResourceWithProperties(LbTargetGroup, { name: "web-production-verify", port: 8080 });
  });

  it("runs one group and one launch template per colour, each on its own AMI", () => {
    expect(Object.keys(groups)).toHaveLength(2);
    expect(resourcesOf(both, "aws_launch_template").map((t) => t.name_prefix)).toEqual(["web-production-blue-", "web-production-green-"]);
    const lookups = resourcesOf(both, "aws_ami_ids", "data");
    expect(lookups[0].filter).toContainEqual({ name: "image-id", values: ["ami-0aaaaaaaaaaaaaaaa"] });
    expect(JSON.stringify(lookups[1].filter)).not.toContain("image-id");
  });

  it("registers each colour with the target groups it serves, checked by the load balancer", () => {
    const blue = Object.values(groups).find((g) => g.min_size === 2);
    const green = Object.values(groups).find((g) => g.min_size === 1);
    expect(blue?.target_group_arns).toEqual([arnOf("-prod")]);
    expect(green?.target_group_arns).toEqual([arnOf("-verify")]);
    expect(both).toHaveResourceWithProperties(AutoscalingGroup, { health_check_type: "ELB" });
  });

  it("sizes each colour by its configuration (desired = min), so scaling blue to zero is one reviewed change", () => {
    const blue = Object.values(groups).find((g) => g.min_size === 2) as unknown as Record<string, unknown>;
    expect(blue).toMatchObject({ desired_capacity: 2 });
    expect(blue.lifecycle).toBeUndefined();
  });

  it("leaves a colour out entirely when it is not configured", () => {
    const blueOnly = blueGreen({ ami: { source: "latest" }, serves: ["production"], min_size: 1, max_size: 1 }, undefined);
    expect(resourcesOf(blueOnly, "aws_autoscaling_group")).toHaveLength(1);
    expect(Object.keys(JSON.parse(blueOnly).output)).toContain("blue_ami_id");
    expect(Object.keys(JSON.parse(blueOnly).output)).not.toContain("green_ami_id");
  });
});

describe("notifications (shared account)", () => {
  const shared = synthAll().shared;

  it("encrypts the topic with a rotated customer-managed key that EventBridge may use, naming no role that may not exist", () => {
    expect(shared).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
    const keys = JSON.parse(shared).resource.aws_kms_key as Record<string, { description: string; policy: string }>;
    const [keyId, key] = Object.entries(keys).find(([, k]) => k.description.includes("notification"))!;
    const statements = JSON.parse(key.policy).Statement;
    expect(statements[1].Principal.Service).toBe("events.amazonaws.com");
    expect(statements[1].Principal).toEqual({ Service: "events.amazonaws.com" });
    expect(key.policy).not.toContain("AWSServiceRoleForImageBuilder");
    const [topic] = resourcesOf(shared, "aws_sns_topic");
    expect(topic.kms_master_key_id).toBe(`\${aws_kms_key.${keyId}.arn}`);
  });

  it("notifies through EventBridge only: the infrastructure configuration sets no topic (each message once)", () => {
    const [infrastructure] = resourcesOf(shared, "aws_imagebuilder_infrastructure_configuration");
    expect(infrastructure.sns_topic_arn).toBeUndefined();
    expect(shared).toHaveResource(ImagebuilderInfrastructureConfiguration);
  });

  it("forwards Image Builder image state changes (available, failed) to the topic", () => {
    expect(shared).toHaveResourceWithProperties(CloudwatchEventRule, {
      event_pattern: JSON.stringify({
        source: ["aws.imagebuilder"],
        "detail-type": ["EC2 Image Builder Image State Change"],
        detail: { state: { status: ["AVAILABLE", "FAILED"] } },
      }),
    });
    const [target] = resourcesOf(shared, "aws_cloudwatch_event_target");
    expect(target.arn).toBe(`\${aws_sns_topic.${onlyKey(shared, "aws_sns_topic")}.arn}`);
  });

  it("delivers to Slack through AWS Chatbot only when configured", () => {
    expect(resourcesOf(shared, "aws_chatbot_slack_channel_configuration")).toEqual([]);
    const raw: RawConfig = exampleRaw();
    raw.notifications = { slack: { workspace_id: "T0123ABCD", channel_id: "C0123ABCD" } };
    const [slack] = resourcesOf(synthAll(raw).shared, "aws_chatbot_slack_channel_configuration");
    expect(slack).toMatchObject({ slack_team_id: "T0123ABCD", slack_channel_id: "C0123ABCD" });
  });
});
