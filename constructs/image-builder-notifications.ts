import { ChatbotSlackChannelConfiguration } from "@cdktf/provider-aws/lib/chatbot-slack-channel-configuration";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { Construct } from "constructs";
import { serviceTrustPolicy } from "./service-role-trust";

export interface ImageBuilderNotificationsProps {
  /** Names the topic, rule and chat configuration. */
  readonly name: string;
  readonly accountId: string;
  readonly partition: DataAwsPartition;
  /** Image states that notify. @default ["AVAILABLE", "FAILED"] */
  readonly states?: ReadonlyArray<string>;
  /** Deliver to a Slack channel through AWS Chatbot. @default - SNS only */
  readonly slack?: { readonly workspaceId: string; readonly channelId: string };
}

/**
 * Nobody watches a console (Image Builder user guide, "Use EventBridge rules with Image Builder"). An EventBridge rule forwards Image Builder's image state
 * changes (only the configured states) to an encrypted SNS topic. It is the only path: the
 * infrastructure configuration's own SNS setting would send every message a second time, and would
 * need Image Builder's service-linked role in the key policy, a role that exists only after the
 * first build (KMS rejects policies naming principals that do not exist).
 */
export class ImageBuilderNotifications extends Construct {
  readonly key: KmsKey;
  readonly topic: SnsTopic;
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: ImageBuilderNotificationsProps) {
    super(scope, id);
    const partition = props.partition.partition;
    const root = `arn:${partition}:iam::${props.accountId}:root`;
    // The AWS-managed SNS key cannot be granted to other services: publishers need a key of ours.
    this.key = new KmsKey(this, "Key", {
      description: `Encrypts the ${props.name} notification topic`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: root }, Action: "kms:*", Resource: "*" },
          {
            Sid: "EventBridgeEncrypts",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
            Resource: "*",
          },
        ],
      }),
    });
    this.topic = new SnsTopic(this, "Topic", { name: props.name, kmsMasterKeyId: this.key.arn });
    const states = props.states ?? ["AVAILABLE", "FAILED"];
    this.rule = new CloudwatchEventRule(this, "ImageStateChange", {
      name: `${props.name}-image-state`,
      description: `Image Builder images that become ${states.join(" or ").toLowerCase()}`,
      eventPattern: JSON.stringify({
        source: ["aws.imagebuilder"],
        "detail-type": ["EC2 Image Builder Image State Change"],
        detail: { state: { status: states } },
      }),
    });
    new CloudwatchEventTarget(this, "ToTopic", { rule: this.rule.name, arn: this.topic.arn });
    new SnsTopicPolicy(this, "TopicPolicy", {
      arn: this.topic.arn,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "EventBridgePublishes",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: this.topic.arn,
            Condition: { ArnEquals: { "aws:SourceArn": this.rule.arn } },
          },
        ],
      }),
    });
    if (props.slack) {
      const role = new IamRole(this, "ChatbotRole", {
        name: `${props.name}-chatbot`,
        assumeRolePolicy: serviceTrustPolicy("chatbot.amazonaws.com"),
      });
      new ChatbotSlackChannelConfiguration(this, "Slack", {
        configurationName: props.name,
        iamRoleArn: role.arn,
        slackTeamId: props.slack.workspaceId,
        slackChannelId: props.slack.channelId,
        snsTopicArns: [this.topic.arn],
        guardrailPolicyArns: [`arn:${partition}:iam::aws:policy/ReadOnlyAccess`],
      });
    }
  }
}
