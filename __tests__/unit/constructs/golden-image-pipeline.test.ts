import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { GoldenImagePipeline, GoldenImagePipelineProps, resolveParentImage } from "../../../constructs/golden-image-pipeline";
import { only, synthBare } from "../../helpers/bare-stack";

const build = (extra: Partial<GoldenImagePipelineProps> = {}) =>
  synthBare(
    (stack) =>
      new GoldenImagePipeline(stack, "Pipeline", {
        imageName: "sample",
        version: "1.0.0",
        parentImage: "amazon-linux-2023-x86/x.x.x",
        components: [{ name: "build", data: "name: build\nschemaVersion: 1.0\nphases: []\n", parameters: { Level: "high" } }],
        instanceProfile: new IamInstanceProfile(stack, "Profile", { name: "golden-ami-image-builder" }),
        partition: new DataAwsPartition(stack, "p"),
        region: "eu-west-1",
        vpcId: "vpc-0123456789abcdef0",
        distributionRegions: ["eu-west-1", "us-east-1"],
        launchPermissions: { organizationArns: ["arn:aws:organizations::123456789012:organization/o-abcdefghij"] },
        amiTags: { Image: "sample" },
        ...extra,
      }),
  );

describe("GoldenImagePipeline", () => {
  const synthesized = build();

  it("builds on IMDSv2 instances behind an egress-only group of its own, terminated on failure", () => {
    const infrastructure = only(synthesized, "aws_imagebuilder_infrastructure_configuration");
    expect(infrastructure).toMatchObject({ terminate_instance_on_failure: true, instance_types: ["t3.small"] });
    expect(infrastructure.instance_metadata_options).toEqual({ http_tokens: "required", http_put_response_hop_limit: 1 });
    expect(only(synthesized, "aws_security_group").ingress).toEqual([]);
  });

  it("names each build's AMI after the image, shares it with the organization in every distribution region", () => {
    const distributions = only(synthesized, "aws_imagebuilder_distribution_configuration").distribution as {
      region: string;
      ami_distribution_configuration: { name: string; launch_permission: { organization_arns: string[]; user_ids: string[] } };
    }[];
    expect(distributions.map((d) => d.region)).toEqual(["eu-west-1", "us-east-1"]);
    for (const d of distributions) {
      expect(d.ami_distribution_configuration.name).toBe("sample_v{{imagebuilder:buildVersion}}_{{imagebuilder:buildDate}}");
      expect(d.ami_distribution_configuration.launch_permission).toMatchObject({
        organization_arns: ["arn:aws:organizations::123456789012:organization/o-abcdefghij"],
        user_ids: [],
      });
    }
  });

  it("resolves an AWS-managed parent image in the pipeline's region, and passes component parameters", () => {
    const recipe = only(synthesized, "aws_imagebuilder_image_recipe");
    expect(recipe.parent_image).toBe("arn:${data.aws_partition.p.partition}:imagebuilder:eu-west-1:aws:image/amazon-linux-2023-x86/x.x.x");
    expect((recipe.component as { parameter: unknown[] }[])[0].parameter).toEqual([{ name: "Level", value: "high" }]);
    expect(resolveParentImage("ami-0123456789abcdef0", "aws", "eu-west-1")).toBe("ami-0123456789abcdef0");
  });

  it("runs tests by default and builds on the schedule given, on every tick unless told otherwise", () => {
    expect(only(synthesized, "aws_imagebuilder_image_pipeline")).toMatchObject({
      image_tests_configuration: { image_tests_enabled: true, timeout_minutes: 720 },
    });
    const scheduled = only(build({ schedule: { cron: "cron(0 3 ? * MON *)" } }), "aws_imagebuilder_image_pipeline");
    expect(scheduled.schedule).toEqual({
      schedule_expression: "cron(0 3 ? * MON *)",
      timezone: "Etc/UTC",
      pipeline_execution_start_condition: "EXPRESSION_MATCH_ONLY",
    });
  });
});
