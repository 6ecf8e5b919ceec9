import { terraformLiteral } from "../../constructs/terraform-literal";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { ImagebuilderComponent } from "@cdktf/provider-aws/lib/imagebuilder-component";
import { ImagebuilderDistributionConfiguration } from "@cdktf/provider-aws/lib/imagebuilder-distribution-configuration";
import { ImagebuilderImagePipeline } from "@cdktf/provider-aws/lib/imagebuilder-image-pipeline";
import { ImagebuilderImageRecipe } from "@cdktf/provider-aws/lib/imagebuilder-image-recipe";
import { ImagebuilderInfrastructureConfiguration } from "@cdktf/provider-aws/lib/imagebuilder-infrastructure-configuration";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { exampleRaw, resourcesOf, synthAll } from "../helpers/example";

const ORG = "arn:aws:organizations::000000000000:organization/o-xxxxxxxxxx";

describe("SharedImageStack (example configuration)", () => {
  const shared = synthAll(exampleRaw(), { commit: "0123abc" }).shared;

  it("configures the provider for the shared account's region with default tags", () => {
    expect(shared).toHaveProviderWithProperties(AwsProvider, {
      region: "ap-northeast-1",
      default_tags: [{ tags: { Project: "golden-ami", ManagedBy: "cdktf", Stack: "shared" } }],
    });
  });

  it("creates one component per document, in the image's version, from the file's text (escaped for Terraform)", () => {
    const buildYml = terraformLiteral(readFileSync(resolve(__dirname, "../../image-components/build.yml"), "utf8"));
    expect(buildYml).toContain('"$${f%.repo}"'); // the document's shell variables reach AWS as written
    expect(shared).toHaveResourceWithProperties(ImagebuilderComponent, { name: "sample-build", version: "1.0.1", platform: "Linux", data: buildYml });
    expect(shared).toHaveResourceWithProperties(ImagebuilderComponent, { name: "sample-test", version: "1.0.1" });
    for (const component of resourcesOf(shared, "aws_imagebuilder_component")) expect(component.lifecycle).toEqual({ create_before_destroy: true });
  });

  it("builds the recipe on the Amazon Linux 2023 managed image: its root mapped with the AMI key, and the seed's 100 GiB gp3 volume", () => {
    expect(shared).toHaveResourceWithProperties(ImagebuilderImageRecipe, {
      name: "sample",
      version: "1.0.1",
      parent_image: "arn:${data.aws_partition.partition.partition}:imagebuilder:ap-northeast-1:aws:image/amazon-linux-2023-x86/x.x.x",
    });
    const [recipe] = resourcesOf(shared, "aws_imagebuilder_image_recipe");
    const key = "${aws_kms_key.AmiKey_A46C8D98.arn}";
    expect(recipe.block_device_mapping).toEqual([
      { device_name: "/dev/xvda", ebs: { encrypted: "true", kms_key_id: key, delete_on_termination: "true" } },
      { device_name: "/dev/xvdb", ebs: { volume_size: 100, volume_type: "gp3", encrypted: "true", kms_key_id: key, delete_on_termination: "true" } },
    ]);
    // Build first, then test: the order of the configuration.
    expect((recipe.component as { component_arn: string }[]).map((c) => c.component_arn)).toEqual([
      expect.stringContaining("Component-build"),
      expect.stringContaining("Component-test"),
    ]);
    expect(recipe.lifecycle).toEqual({ create_before_destroy: true });
  });

  it("runs builds with IMDSv2, terminate-on-failure, t3.small, in the configured subnet", () => {
    expect(shared).toHaveResourceWithProperties(ImagebuilderInfrastructureConfiguration, {
      name: "sample",
      instance_types: ["t3.small"],
      subnet_id: "subnet-0123456789abcdef0",
      terminate_instance_on_failure: true,
      instance_metadata_options: { http_tokens: "required", http_put_response_hop_limit: 1 },
    });
  });

  it("gives build instances a security group with no ingress at all", () => {
    expect(shared).toHaveResourceWithProperties(SecurityGroup, { vpc_id: "vpc-0123456789abcdef0", ingress: [] });
    const [group] = resourcesOf(shared, "aws_security_group");
    for (const rule of group.egress as { from_port: number; protocol: string }[]) expect(rule).toMatchObject({ from_port: 443, protocol: "tcp" });
  });

  it("uses an SSM-managed instance profile with the seed's managed policies (no ECR: AMI builds need none), trusted by EC2", () => {
    const [role] = resourcesOf(shared, "aws_iam_role");
    expect(JSON.parse(role.assume_role_policy as string).Statement[0].Principal).toEqual({ Service: "ec2.amazonaws.com" });
    expect(JSON.stringify(resourcesOf(shared, "aws_iam_role_policy_attachment"))).not.toContain("ECRContainerBuilds");
    for (const policy of ["EC2InstanceProfileForImageBuilder", "AmazonSSMManagedInstanceCore"]) {
      expect(shared).toHaveResourceWithProperties(IamRolePolicyAttachment, {
        policy_arn: `arn:\${data.aws_partition.partition.partition}:iam::aws:policy/${policy}`,
      });
    }
    expect(shared).toHaveResource(IamRole);
  });

  it("names AMIs by the pattern, shares them with the organization only, and tags their provenance", () => {
    expect(shared).toHaveResourceWithProperties(ImagebuilderDistributionConfiguration, {
      distribution: [
        {
          region: "ap-northeast-1",
          ami_distribution_configuration: expect.objectContaining({
            name: "sample_v{{imagebuilder:buildVersion}}_{{imagebuilder:buildDate}}",
            launch_permission: { organization_arns: [ORG], organizational_unit_arns: [], user_ids: [] },
            ami_tags: {
              ImageBuilder: "true",
              Image: "sample",
              Recipe: "sample/1.0.1",
              RecipeVersion: "1.0.1",
              ParentImage: "amazon-linux-2023-x86/x.x.x",
              SourceCommit: "0123abc",
            },
          }),
        },
      ],
    });
  });

  it("distributes to every configured region, with OU and account permissions when configured", () => {
    const raw = exampleRaw();
    raw.images[0].distribution.regions = ["ap-northeast-1", "eu-west-1"];
    raw.images[0].distribution.launch_permissions = {
      organization: false,
      organizational_units: ["arn:aws:organizations::000000000000:ou/o-xxxxxxxxxx/ou-ab12-cdefgh34"],
      accounts: ["444455556666"],
    };
    const [distribution] = resourcesOf(synthAll(raw).shared, "aws_imagebuilder_distribution_configuration");
    const targets = distribution.distribution as { region: string; ami_distribution_configuration: { launch_permission: unknown } }[];
    expect(targets.map((t) => t.region)).toEqual(["ap-northeast-1", "eu-west-1"]);
    expect(targets[1].ami_distribution_configuration.launch_permission).toEqual({
      organization_arns: [],
      organizational_unit_arns: ["arn:aws:organizations::000000000000:ou/o-xxxxxxxxxx/ou-ab12-cdefgh34"],
      user_ids: ["444455556666"],
    });
  });

  it("schedules the pipeline with cron, timezone and start condition, tests on", () => {
    expect(shared).toHaveResourceWithProperties(ImagebuilderImagePipeline, {
      name: "sample",
      status: "ENABLED",
      schedule: {
        schedule_expression: "cron(0 3 ? * MON *)",
        timezone: "Asia/Tokyo",
        pipeline_execution_start_condition: "EXPRESSION_MATCH_ONLY",
      },
      image_tests_configuration: { image_tests_enabled: true, timeout_minutes: 90 },
    });
  });

  it("leaves the schedule out when none is configured, and the commit tag when no commit is known", () => {
    const raw = exampleRaw();
    delete raw.images[0].schedule;
    const shared = synthAll(raw).shared;
    const [pipeline] = resourcesOf(shared, "aws_imagebuilder_image_pipeline");
    expect(pipeline.schedule).toBeUndefined();
    const [distribution] = resourcesOf(shared, "aws_imagebuilder_distribution_configuration");
    expect(JSON.stringify(distribution)).not.toContain("SourceCommit");
  });

  it("uses given security groups instead of creating one", () => {
    const raw = exampleRaw();
    raw.images[0].network.security_group_ids = ["sg-0123456789abcdef0"];
    const shared = synthAll(raw).shared;
    expect(resourcesOf(shared, "aws_security_group")).toHaveLength(0);
    expect(shared).toHaveResourceWithProperties(ImagebuilderInfrastructureConfiguration, { security_group_ids: ["sg-0123456789abcdef0"] });
  });

  it("outputs each pipeline's ARN and AMI name template", () => {
    const outputs = JSON.parse(shared).output;
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(["sample_pipeline_arn", "sample_ami_name_template"]));
  });
});
