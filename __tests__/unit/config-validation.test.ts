import { exampleRaw, problemsOf, RawConfig } from "../helpers/example";
import { describeRules, Rule } from "../helpers/rules";

/** Renames the example's image and the workloads that run it. */
function renameImage(c: RawConfig, name: string): void {
  c.images[0].name = name;
  for (const workload of c.workloads) workload.image = name;
}

const rules: Rule[] = [
  {
    rule: "a workload runs in a region its image is distributed to",
    bad: (c) => (c.workloads[0].region = "eu-west-1"),
    good: (c) => {
      for (const w of c.workloads) w.region = "eu-west-1";
      c.images[0].distribution.regions = ["ap-northeast-1", "eu-west-1"];
    },
    path: "workloads[0].region",
    mentions: ['"eu-west-1"', 'image "sample" is distributed to ap-northeast-1 only', "images[].distribution.regions"],
  },
  // AWS's documented limits, refused before Terraform runs instead of at apply.
  {
    rule: "tag keys do not start with aws: (reserved for AWS)",
    bad: (c) => (c.tags["AWS:CreatedBy"] = "me"),
    good: (c) => (c.tags["CreatedBy"] = "me"),
    path: "tags.AWS:CreatedBy",
    mentions: ["does not start with aws:", "reserved for AWS"],
  },
  {
    rule: "tag values hold no control characters (NUL)",
    bad: (c) => (c.workloads[0].tags = { Owner: "team\u0000a" }),
    good: (c) => (c.workloads[0].tags = { Owner: "team-a" }),
    path: "workloads[0].tags.Owner",
    mentions: ["without control characters"],
  },
  {
    rule: "AMI tag values are at most 256 characters",
    bad: (c) => (c.images[0].distribution.ami_tags.Note = "x".repeat(257)),
    good: (c) => (c.images[0].distribution.ami_tags.Note = "x".repeat(256)),
    path: "images[0].distribution.ami_tags.Note",
    mentions: ["at most 256 characters", "AWS's tag limit"],
  },
  {
    rule: "gp3 IOPS lie within 3,000 to 80,000",
    bad: (c) => (c.images[0].block_devices[0].iops = 1e15),
    good: (c) => (c.images[0].block_devices[0].iops = 16000),
    path: "images[0].block_devices[0].iops",
    mentions: ["1000000000000000", "256000"],
  },
  {
    rule: "IOPS fit the volume type",
    bad: (c) => (c.images[0].block_devices[0].iops = 2000),
    good: (c) => Object.assign(c.images[0].block_devices[0], { volume_type: "io2", iops: 2000 }),
    path: "images[0].block_devices[0].iops",
    mentions: ["2000", "3000 to 80000 IOPS for gp3 volumes"],
  },
  {
    rule: "only gp3, io1 and io2 take IOPS",
    bad: (c) => Object.assign(c.images[0].block_devices[0], { volume_type: "st1", iops: 500 }),
    good: (c) => Object.assign(c.images[0].block_devices[0], { volume_type: "st1", volume_size_gib: 500 }),
    path: "images[0].block_devices[0].iops",
    mentions: ["500", "no iops for st1 volumes"],
  },
  {
    rule: "the root device is the managed parent image's (else the recipe adds a volume and the root stays unencrypted)",
    bad: (c) => (c.images[0].root_device_name = "/dev/sda1"),
    good: (c) => Object.assign(c.images[0], { parent_image: "ubuntu-server-24-lts-x86/x.x.x", root_device_name: "/dev/sda1" }),
    path: "images[0].root_device_name",
    mentions: ['"/dev/sda1"', "amazon-linux-2023-x86/x.x.x's root device is /dev/xvda", "unencrypted"],
  },
  {
    rule: "an extra block device is not the root device",
    bad: (c) => (c.images[0].block_devices[0].device_name = "/dev/xvda"),
    good: (c) => (c.images[0].block_devices[0].device_name = "/dev/xvdc"),
    path: "images[0].block_devices[0].device_name",
    mentions: ['"/dev/xvda"', "the root device (root_device_name)"],
  },
  {
    rule: "sizes are what the Auto Scaling API takes (32-bit)",
    bad: (c) => (c.workloads[0].auto_scaling.max_size = Number.MAX_SAFE_INTEGER),
    good: (c) => (c.workloads[0].auto_scaling.max_size = 10),
    path: "workloads[0].auto_scaling.max_size",
    mentions: ["9007199254740991", "2147483647", "32-bit"],
  },
  {
    rule: "grace periods are what the Auto Scaling API takes (32-bit)",
    bad: (c) => (c.workloads[0].auto_scaling.health_check_grace_period_seconds = 2 ** 53 - 1),
    good: (c) => (c.workloads[0].auto_scaling.health_check_grace_period_seconds = 600),
    path: "workloads[0].auto_scaling.health_check_grace_period_seconds",
    mentions: ["9007199254740991", "2147483647"],
  },
  {
    rule: "shared account id is 12 digits",
    bad: (c) => (c.shared.account_id = "11112222333"),
    good: (c) => (c.shared.account_id = "999988887777"),
    path: "shared.account_id",
    mentions: ['"11112222333"', "12-digit"],
  },
  {
    rule: "an unquoted account id (a YAML number) is refused",
    bad: (c) => (c.workloads[0].account_id = 444455556666),
    good: (c) => (c.workloads[0].account_id = "444455556666"),
    path: "workloads[0].account_id",
    mentions: ["444455556666", "string"],
  },
  {
    rule: "organization ARN has the organization form",
    bad: (c) => (c.organization.arn = "arn:aws:organizations::000000000000:ou/o-xxxxxxxxxx/ou-ab12-cdefgh34"),
    good: (c) => (c.organization.arn = "arn:aws:organizations::123456789012:organization/o-a1b2c3d4e5"),
    path: "organization.arn",
    mentions: ["ou/o-xxxxxxxxxx", "organization ARN"],
  },
  {
    rule: "OU ARNs have the OU form",
    bad: (c) => (c.images[0].distribution.launch_permissions.organizational_units = ["ou-ab12-cdefgh34"]),
    good: (c) => (c.images[0].distribution.launch_permissions.organizational_units = ["arn:aws:organizations::000000000000:ou/o-xxxxxxxxxx/ou-ab12-cdefgh34"]),
    path: "images[0].distribution.launch_permissions.organizational_units[0]",
    mentions: ['"ou-ab12-cdefgh34"', "OU ARN"],
  },
  {
    rule: "versions are MAJOR.MINOR.PATCH",
    bad: (c) => (c.images[0].version = "1.0"),
    good: (c) => (c.images[0].version = "1.0.1"),
    path: "images[0].version",
    mentions: ['"1.0"', "MAJOR.MINOR.PATCH"],
  },
  {
    rule: "schedules use Image Builder's six-field cron",
    bad: (c) => (c.images[0].schedule.cron = "0 3 * * 1"),
    good: (c) => (c.images[0].schedule.cron = "cron(30 1 1 * ? *)"),
    path: "images[0].schedule.cron",
    mentions: ['"0 3 * * 1"', "six-field cron"],
  },
  {
    rule: "a five-field cron() is refused too",
    bad: (c) => (c.images[0].schedule.cron = "cron(0 3 ? * MON)"),
    good: (c) => (c.images[0].schedule.cron = "cron(0 3 ? * MON *)"),
    path: "images[0].schedule.cron",
    mentions: ['"cron(0 3 ? * MON)"'],
  },
  {
    rule: "a workload names a configured image",
    bad: (c) => (c.workloads[1].image = "sampel"),
    good: (c) => (c.workloads[1].image = "sample"),
    path: "workloads[1].image",
    mentions: ['"sampel"', '"sample"'],
  },
  {
    rule: "component files exist in image-components/",
    bad: (c) => (c.images[0].components[1].file = "hardening.yml"),
    good: (c) => (c.images[0].components[1].file = "test.yml"),
    path: "images[0].components[1].file",
    mentions: ['"hardening.yml"', "image-components"],
  },
  {
    rule: "image names are unique",
    bad: (c) => c.images.push({ ...structuredClone(c.images[0]) }),
    good: (c) => c.images.push({ ...structuredClone(c.images[0]), name: "sample-arm" }),
    path: "images[1].name",
    mentions: ['"sample"', "unique"],
  },
  {
    rule: "workload names are unique",
    bad: (c) => (c.workloads[1].name = "web-staging"),
    good: (c) => (c.workloads[1].name = "web-prod"),
    path: "workloads[1].name",
    mentions: ['"web-staging"', "unique"],
  },
  {
    rule: 'launch permission to group "all" (a public AMI) is refused',
    bad: (c) => (c.images[0].distribution.launch_permissions.user_groups = ["all"]),
    good: (c) => (c.images[0].distribution.launch_permissions.accounts = ["444455556666"]),
    path: "images[0].distribution.launch_permissions.user_groups[0]",
    mentions: ['"all"', "public"],
  },
  {
    rule: "an image name forms a valid AMI name (characters)",
    bad: (c) => renameImage(c, "web/app"),
    good: (c) => renameImage(c, "web_app-2"),
    path: "images[0].name",
    mentions: ['"web/app"', "3 to 127 characters"],
  },
  {
    rule: "an image name forms a valid AMI name (length)",
    bad: (c) => renameImage(c, "a".repeat(100)),
    good: (c) => renameImage(c, "a".repeat(95)),
    path: "images[0].name",
    mentions: ["aaaa", "127-character AMI name limit"],
  },
  {
    rule: "unknown keys are refused (a typo never passes silently)",
    bad: (c) => (c.images[0].schedul = c.images[0].schedule),
    good: (c) => (c.images[0].schedule.timezone = "Europe/Paris"),
    path: "images[0]",
    mentions: ['"schedul"'],
  },
  {
    rule: "user-data templates get every variable they use",
    bad: (c) => delete c.workloads[0].user_data.variables.log_level,
    good: (c) => (c.workloads[0].user_data.variables.log_level = "warn"),
    path: "workloads[0].user_data.variables",
    mentions: ["${log_level}", "web.yaml.tftpl"],
  },
  {
    rule: "a workload's instance type looks like one",
    bad: (c) => (c.workloads[0].instance_type = "large"),
    good: (c) => (c.workloads[0].instance_type = "m7i.large"),
    path: "workloads[0].instance_type",
    mentions: ['"large"', "instance type"],
  },
];

describe("configuration validation", () => {
  it("accepts the example configuration as shipped, recipe lock included", () => {
    expect(problemsOf(exampleRaw(), { enforceRecipeLock: true })).toEqual([]);
  });

  describeRules(rules);

  it("reports every problem at once", () => {
    const config = exampleRaw();
    config.shared.account_id = "1";
    config.images[0].version = "v1";
    config.workloads[0].image = "nope";
    config.workloads[1].account_id = "abc";
    // The schema runs first; cross-field rules run once the shape is right, so they come in a second pass.
    expect(problemsOf(config).map((p) => p.path)).toEqual(["shared.account_id", "images[0].version", "workloads[1].account_id"]);
  });

  it("reports cross-field problems together", () => {
    const config = exampleRaw();
    config.workloads[0].image = "nope";
    config.workloads[1].name = "web-staging";
    config.images[0].components[0].file = "missing.yml";
    // Production follows staging's AMI; with staging on an unknown image there is nothing to follow either.
    expect(problemsOf(config).map((p) => p.path)).toEqual([
      "workloads[1].name",
      "workloads[0].image",
      "workloads[1].ami.environment",
      "images[0].components[0].file",
    ]);
  });
});

describe("a name that is only too long is told its length, not that its characters are wrong", () => {
  it.each([
    [
      "a workload name of 64 characters",
      (c: RawConfig) => (c.workloads[0].name = "w".repeat(64)),
      "workloads[0].name",
      "expected at most 63 characters (it names the stack)",
    ],
    [
      "an environment of 33 characters",
      (c: RawConfig) => (c.workloads[0].environment = "e".repeat(33)),
      "workloads[0].environment",
      "expected at most 32 characters (it names SSM parameters and channels)",
    ],
  ])("%s", (_, edit, path, expected) => {
    const config = exampleRaw();
    edit(config);
    const problems = problemsOf(config).filter((p) => p.path === path);
    expect(problems).toEqual([{ path, message: expect.stringContaining(expected) }]);
    expect(problems[0].message).not.toContain("lower-case");
  });

  it("a name with a wrong character is told which characters are expected", () => {
    const config = exampleRaw();
    config.workloads[0].name = "Web_Staging";
    expect(problemsOf(config).find((p) => p.path === "workloads[0].name")?.message).toContain(
      "expected a workload name such as web-staging: a lower-case letter, then lower-case letters, digits and '-' (it names the stack)",
    );
  });
});
