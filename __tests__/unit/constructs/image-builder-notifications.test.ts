import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { ImageBuilderNotifications, ImageBuilderNotificationsProps } from "../../../constructs/image-builder-notifications";
import { only, synthBare } from "../../helpers/bare-stack";

const build = (extra: Partial<ImageBuilderNotificationsProps> = {}) =>
  synthBare(
    (stack) =>
      new ImageBuilderNotifications(stack, "Notifications", {
        name: "golden-ami-image-builder",
        accountId: "111122223333",
        partition: new DataAwsPartition(stack, "p"),
        ...extra,
      }),
  );

describe("ImageBuilderNotifications", () => {
  const synthesized = build();

  it("sends Image Builder's available and failed images to an SNS topic encrypted with a key of its own", () => {
    const rule = only(synthesized, "aws_cloudwatch_event_rule");
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ["aws.imagebuilder"],
      "detail-type": ["EC2 Image Builder Image State Change"],
      detail: { state: { status: ["AVAILABLE", "FAILED"] } },
    });
    expect(only(synthesized, "aws_sns_topic").kms_master_key_id).toMatch(/^\$\{aws_kms_key\.\w+\.arn\}$/);
    expect(only(synthesized, "aws_kms_key")).toMatchObject({ enable_key_rotation: true });
  });

  it("lets EventBridge publish to the topic only from this rule, and use the key", () => {
    const statement = JSON.parse(only(synthesized, "aws_sns_topic_policy").policy as string).Statement[0];
    expect(statement).toMatchObject({ Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish" });
    expect(statement.Condition.ArnEquals["aws:SourceArn"]).toMatch(/^\$\{aws_cloudwatch_event_rule\.\w+\.arn\}$/);
    const keyPolicy = JSON.parse(only(synthesized, "aws_kms_key").policy as string);
    expect(keyPolicy.Statement.find((s: { Sid: string }) => s.Sid === "EventBridgeEncrypts").Action).toEqual(["kms:GenerateDataKey*", "kms:Decrypt"]);
  });

  it("notifies the states asked for, and reaches Slack through AWS Chatbot only when configured, read-only", () => {
    const cancelled = build({ states: ["CANCELLED"], slack: { workspaceId: "T0123ABCD", channelId: "C0123ABCD" } });
    expect(JSON.parse(only(cancelled, "aws_cloudwatch_event_rule").event_pattern as string).detail.state.status).toEqual(["CANCELLED"]);
    expect(only(cancelled, "aws_chatbot_slack_channel_configuration")).toMatchObject({
      slack_team_id: "T0123ABCD",
      slack_channel_id: "C0123ABCD",
      guardrail_policy_arns: ["arn:${data.aws_partition.p.partition}:iam::aws:policy/ReadOnlyAccess"],
    });
    expect(synthesized.resource.aws_chatbot_slack_channel_configuration).toBeUndefined();
  });
});
