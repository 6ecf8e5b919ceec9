import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { DataAwsAmiIds } from "@cdktf/provider-aws/lib/data-aws-ami-ids";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { exampleRaw, resourcesOf, synthAll } from "../helpers/example";

describe("WorkloadStack (example configuration)", () => {
  const stacks = synthAll();
  const staging = stacks["web-staging"];

  it("makes one stack per workload, next to the shared stack", () => {
    expect(Object.keys(stacks)).toEqual(["shared", "web-staging", "web-production"]);
  });

  it("configures its own provider: the workload's region, default tags with its environment", () => {
    expect(staging).toHaveProviderWithProperties(AwsProvider, {
      region: "ap-northeast-1",
      default_tags: [{ tags: { Project: "golden-ami", ManagedBy: "cdktf", Stack: "web-staging", Environment: "staging" } }],
    });
    const [provider] = JSON.parse(staging).provider.aws;
    expect(provider.assume_role).toBeUndefined();
  });

  it("assumes the workload's role when one is configured", () => {
    const raw = exampleRaw();
    raw.workloads[0].role_arn = "arn:aws:iam::444455556666:role/golden-ami-deployer";
    expect(synthAll(raw)["web-staging"]).toHaveProviderWithProperties(AwsProvider, {
      assume_role: [{ role_arn: "arn:aws:iam::444455556666:role/golden-ami-deployer", session_name: "golden-ami-web-staging" }],
    });
  });

  it("looks up AMIs owned by the shared account whose names match the image's pattern exactly, newest first, deprecated excluded", () => {
    expect(staging).toHaveDataSourceWithProperties(DataAwsAmiIds, {
      owners: ["111122223333"],
      filter: [
        { name: "name", values: ["sample_v*_*"] },
        { name: "state", values: ["available"] },
      ],
      name_regex: "^sample_v[0-9]+_[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9][0-9.:-]*Z$",
      include_deprecated: false,
      sort_ascending: false,
    });
    expect(staging).toHaveDataSourceWithProperties(DataAwsAmi, { owners: ["111122223333"], include_deprecated: false });
  });

  it("fails the plan with a message naming image, owner and pattern when no AMI matches", () => {
    const [candidates] = resourcesOf(staging, "aws_ami_ids", "data");
    const [condition] = (candidates.lifecycle as { postcondition: { condition: string; error_message: string }[] }).postcondition;
    expect(condition.condition).toBe("${length(self.ids) > 0}");
    expect(condition.error_message).toContain('No AMI of image "sample"');
    expect(condition.error_message).toContain("owned by 111122223333");
    expect(condition.error_message).toContain("sample_v{{imagebuilder:buildVersion}}_{{imagebuilder:buildDate}}");
    expect(condition.error_message).toContain('Run the "sample" pipeline in the shared account first');
  });

  it("feeds the newest match into a launch template that makes each change its default version", () => {
    const json = JSON.parse(staging);
    const [amiId] = Object.keys(json.data.aws_ami);
    const [candidatesId] = Object.keys(json.data.aws_ami_ids);
    expect(staging).toHaveResourceWithProperties(LaunchTemplate, {
      name_prefix: "web-staging-",
      image_id: `\${data.aws_ami.${amiId}.id}`,
      instance_type: "t3.small",
      ebs_optimized: "true",
      update_default_version: true,
      lifecycle: { create_before_destroy: true },
    });
    const [lookup] = resourcesOf(staging, "aws_ami", "data");
    expect(lookup.filter).toEqual([{ name: "image-id", values: [`\${element(data.aws_ami_ids.${candidatesId}.ids, 0)}`] }]);
  });

  it("requires IMDSv2 and encrypts the 50 GiB gp3 root volume", () => {
    expect(staging).toHaveResourceWithProperties(LaunchTemplate, {
      metadata_options: { http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1, instance_metadata_tags: "enabled" },
      block_device_mappings: [{ device_name: "/dev/xvda", ebs: { volume_size: 50, volume_type: "gp3", encrypted: "true", delete_on_termination: "true" } }],
    });
  });

  it("renders user data from the cloud-init template with the workload's variables, at plan time", () => {
    const [template] = resourcesOf(staging, "aws_launch_template");
    expect(template.user_data).toMatch(/^\$\{base64encode\(templatefile\("assets\/.+\/web\.yaml\.tftpl", local\.user_data_variables\)\)\}$/);
    expect(JSON.parse(staging).locals.user_data_variables).toEqual({ environment: "staging", log_level: "debug" });
    expect(JSON.parse(stacks["web-production"]).locals.user_data_variables).toMatchObject({ environment: "production" });
  });

  it("creates an egress-only security group when none is given, and uses given ones otherwise", () => {
    expect(staging).toHaveResourceWithProperties(SecurityGroup, { vpc_id: "vpc-0fedcba9876543210", ingress: [] });
    const raw = exampleRaw();
    raw.workloads[0].network.security_group_ids = ["sg-0123456789abcdef0"];
    const custom = synthAll(raw)["web-staging"];
    expect(resourcesOf(custom, "aws_security_group")).toHaveLength(0);
    expect(custom).toHaveResourceWithProperties(LaunchTemplate, { vpc_security_group_ids: ["sg-0123456789abcdef0"] });
  });

  it("outputs ami_id, ami_name, launch_template_id, launch_template_latest_version and the group's name", () => {
    expect(Object.keys(JSON.parse(staging).output).sort()).toEqual([
      "ami_id",
      "ami_name",
      "auto_scaling_group_name",
      "launch_template_id",
      "launch_template_latest_version",
    ]);
  });

  it("keeps local state, one file per stack, in the given directory", () => {
    const backend = JSON.parse(synthAll(exampleRaw(), { localStateDir: "/var/state" })["web-staging"]).terraform.backend;
    expect(backend).toEqual({ local: { path: "/var/state/terraform.web-staging.tfstate" } });
  });

  it("uses the S3 backend with a lock file and one key per stack when a bucket is configured", () => {
    const raw = exampleRaw();
    raw.state = { bucket: "golden-ami-state", region: "ap-northeast-1" };
    const synthesized = synthAll(raw);
    for (const name of ["shared", "web-staging"]) {
      expect(JSON.parse(synthesized[name]).terraform.backend).toEqual({
        s3: { bucket: "golden-ami-state", key: `golden-ami/${name}.tfstate`, region: "ap-northeast-1", encrypt: true, use_lockfile: true },
      });
    }
  });
});
