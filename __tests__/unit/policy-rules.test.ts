import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Aspects, Testing, TerraformStack } from "cdktf";
import { amiLookupByOwner } from "../../constructs/policy/ami-lookup-by-owner";
import { amiNeverPublic } from "../../constructs/policy/ami-never-public";
import { ebsEncrypted } from "../../constructs/policy/ebs-encrypted";
import { imdsv2Required } from "../../constructs/policy/imdsv2-required";
import { noSshIngress } from "../../constructs/policy/no-ssh-ingress";
import { PolicyAspect, suppressRule } from "../../constructs/policy/policy-aspect";
import { PolicyRule } from "../../constructs/policy/rule";

interface RuleCase {
  readonly rule: PolicyRule;
  readonly type: string;
  readonly compliant: Record<string, unknown>;
  readonly nonCompliant: Record<string, unknown>;
}

const distribution = (userGroups: string[]) => ({
  distribution: [{ region: "x", ami_distribution_configuration: { launch_permission: { user_groups: userGroups } } }],
});
const ebs = (encrypted: string) => [{ device_name: "/dev/xvda", ebs: { encrypted } }];

const cases: RuleCase[] = [
  { rule: amiNeverPublic, type: "aws_imagebuilder_distribution_configuration", compliant: distribution([]), nonCompliant: distribution(["all"]) },
  { rule: amiNeverPublic, type: "aws_ami_launch_permission", compliant: { account_id: "444455556666" }, nonCompliant: { group: "all" } },
  {
    rule: imdsv2Required,
    type: "aws_launch_template",
    compliant: { metadata_options: { http_tokens: "required" } },
    nonCompliant: { metadata_options: { http_tokens: "optional" } },
  },
  { rule: imdsv2Required, type: "aws_launch_template", compliant: { metadata_options: { http_tokens: "required" } }, nonCompliant: {} },
  {
    rule: imdsv2Required,
    type: "aws_imagebuilder_infrastructure_configuration",
    compliant: { instance_metadata_options: { http_tokens: "required" } },
    nonCompliant: { instance_metadata_options: { http_tokens: "optional" } },
  },
  { rule: ebsEncrypted, type: "aws_launch_template", compliant: { block_device_mappings: ebs("true") }, nonCompliant: { block_device_mappings: ebs("false") } },
  {
    rule: ebsEncrypted,
    type: "aws_imagebuilder_image_recipe",
    compliant: { block_device_mapping: ebs("true") },
    nonCompliant: { block_device_mapping: ebs("") },
  },
  { rule: amiLookupByOwner, type: "data.aws_ami", compliant: { owners: ["111122223333"] }, nonCompliant: { owners: [] } },
  { rule: amiLookupByOwner, type: "data.aws_ami_ids", compliant: { owners: ["111122223333"] }, nonCompliant: { owners: ["self", "amazon"] } },
  {
    rule: noSshIngress,
    type: "aws_security_group",
    compliant: { ingress: [{ from_port: 443, to_port: 443, protocol: "tcp" }] },
    nonCompliant: { ingress: [{ from_port: 0, to_port: 1024, protocol: "tcp" }] },
  },
  { rule: noSshIngress, type: "aws_security_group", compliant: { ingress: [] }, nonCompliant: { ingress: [{ from_port: 0, to_port: 0, protocol: "-1" }] } },
  {
    rule: noSshIngress,
    type: "aws_vpc_security_group_ingress_rule",
    compliant: { from_port: 80, to_port: 80, ip_protocol: "tcp" },
    nonCompliant: { from_port: 22, to_port: 22, ip_protocol: "tcp" },
  },
];

describe.each(cases)("$rule.id on $type", ({ rule, type, compliant, nonCompliant }) => {
  it("flags the non-compliant case", () => expect(rule.check(type, nonCompliant)).toBe("non-compliant"));
  it("passes the compliant case", () => expect(rule.check(type, compliant)).toBe("compliant"));
  it("ignores other resource types", () => expect(rule.check("aws_s3_bucket", nonCompliant)).toBe("not-applicable"));
});

describe("PolicyAspect", () => {
  /** A stack under the aspect; synth() is the real one (Testing.synth does not check annotations). */
  function stackWith(build: (stack: TerraformStack) => void): { synth: () => void } {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    build(stack);
    Aspects.of(stack).add(new PolicyAspect());
    return { synth: () => app.synth() };
  }

  it("fails synth with a message naming the resource and the rule", () => {
    const stack = stackWith((s) => new LaunchTemplate(s, "web", { imageId: "ami-12345678", metadataOptions: { httpTokens: "optional" } }));
    expect(() => stack.synth()).toThrow(/\[GAMI-IMDSV2\] aws_launch_template\.web \(test\/web\): Require IMDSv2/);
  });

  it("reports every violation, of several rules and resources", () => {
    const stack = stackWith((s) => {
      new SecurityGroup(s, "open", { ingress: [{ fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] });
      new DataAwsAmi(s, "any", { owners: [], mostRecent: true });
    });
    expect(() => stack.synth()).toThrow(/GAMI-NO-SSH[^]*GAMI-AMI-OWNER|GAMI-AMI-OWNER[^]*GAMI-NO-SSH/);
  });

  it("lets a suppression with a written reason through, and refuses one without", () => {
    const stack = stackWith((s) => {
      const legacy = new SecurityGroup(s, "bastion", { ingress: [{ fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["10.0.0.0/8"] }] });
      suppressRule(legacy, "GAMI-NO-SSH", "legacy bastion, removed in ticket OPS-123");
      expect(() => suppressRule(legacy, "GAMI-NO-SSH", "ok")).toThrow(/expected a written reason/);
    });
    expect(() => stack.synth()).not.toThrow();
  });
});
