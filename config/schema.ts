import { z } from "zod";
import { EBS_VOLUME_TYPES, PIPELINE_START_CONDITIONS } from "../conventions/aws-values";

// Rules every field is checked against. Messages say what is expected; the loader adds the field
// path and the bad value, so a reader sees `images[0].version: "1.0" — expected MAJOR.MINOR.PATCH`.

const ACCOUNT_ID = /^\d{12}$/;
const ORGANIZATION_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:organization\/o-[a-z0-9]{10,32}$/;
const OU_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:ou\/o-[a-z0-9]{10,32}\/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w/-]+$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
// Image Builder schedules: cron(minutes hours day-of-month month day-of-week year).
const IMAGE_BUILDER_CRON = /^cron\(\s*\S+(\s+\S+){5}\s*\)$/;
const IMAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const DEVICE_NAME = /^\/dev\/(sd[a-z]|xvd[a-z]{1,2}|nvme\d+n\d+)$/;
/** Root devices add a partition number (Ubuntu and Windows: /dev/sda1). */
const ROOT_DEVICE_NAME = /^\/dev\/(sd[a-z]\d{0,2}|xvd[a-z]{1,2}|nvme\d+n\d+)$/;
const RESOURCE_ID = (prefix: string) => new RegExp(`^${prefix}-[0-9a-f]{8}([0-9a-f]{9})?$`);
const PARENT_IMAGE =
  /^(ami-[0-9a-f]{8,17}|arn:aws[a-z-]*:imagebuilder:[a-z0-9-]+:(aws|\d{12}):image\/[a-z0-9-]+\/(\d+|x)\.(\d+|x)\.(\d+|x)(\/\d+)?|[a-z0-9-]+\/(\d+|x)\.(\d+|x)\.(\d+|x))$/;

/** The longest AMI name Image Builder accepts; the image name must leave room for version and date. */
const AMI_NAME_MAX_LENGTH = 127;

const matches = (pattern: RegExp, expected: string) => z.string().regex(pattern, { message: `expected ${expected}` });

/**
 * A lower-case name of at most `max` characters: a name that is only too long is told its length,
 * not that its characters are wrong.
 */
const lowerCaseName = (max: number, expected: string, purpose: string) =>
  z
    .string()
    .max(max, { message: `expected at most ${max} characters (${purpose})` })
    .regex(/^[a-z][a-z0-9-]*$/, { message: `expected ${expected}: a lower-case letter, then lower-case letters, digits and '-' (${purpose})` });

const accountId = z
  .string({
    // Unquoted, YAML reads an account id as a number and drops its leading zeros: say so.
    error: (issue) =>
      typeof issue.input === "number"
        ? `expected a 12-digit AWS account id as a quoted string: YAML read it as the number ${issue.input}${String(issue.input).length < 12 ? ", dropping leading zeros" : ""}; write "${String(issue.input).padStart(12, "0")}" with quotes`
        : undefined,
  })
  .regex(ACCOUNT_ID, { message: "expected a 12-digit AWS account id (quote it in YAML)" });
const region = matches(REGION, "an AWS region such as eu-west-1");
const roleArn = matches(ROLE_ARN, "an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>)");
const semver = matches(SEMVER, "a semantic version MAJOR.MINOR.PATCH such as 1.0.0");
// Tag limits: https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html ("Tag naming limits
// and requirements"): keys 1-128 and values 0-256 Unicode characters, the aws: prefix reserved for AWS.
// Control characters (NUL included) are refused: no AWS service documents them as allowed.
// Patterns, not refinements, so that the JSON Schema (and editors) carry them too.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
const tagKey = z
  .string()
  .min(1)
  .max(128, { message: "expected a tag key of at most 128 characters (AWS's tag limit)" })
  .regex(/^(?![Aa][Ww][Ss]:)/, { message: "expected a tag key that does not start with aws: (reserved for AWS; tags cannot use it)" })
  .regex(NO_CONTROL, { message: "expected a tag key without control characters" });
const tagValue = z
  .string()
  .max(256, { message: "expected a tag value of at most 256 characters (AWS's tag limit)" })
  .regex(NO_CONTROL, { message: "expected a tag value without control characters (NUL, newlines, tabs)" });
const tags = z.record(tagKey, tagValue);

/** The AWS APIs' integers are 32-bit: a larger number is refused at apply, after other resources changed. */
const INT32_MAX = 2_147_483_647;
const apiInteger = (min: number) =>
  z
    .number()
    .int()
    .min(min)
    .max(INT32_MAX, { message: `expected at most ${INT32_MAX} (the AWS API takes a 32-bit integer)` });

/**
 * Provisioned IOPS and throughput by volume type: https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html
 * (gp3 raised to 80,000 IOPS, 2,000 MiB/s and 64 TiB in 2025); other types take no IOPS setting.
 */
const IOPS_RANGE: Readonly<Record<string, readonly [number, number]>> = { gp3: [3000, 80000], io1: [100, 64000], io2: [100, 256000] };

const volumeType = z.enum(EBS_VOLUME_TYPES);

const BlockDeviceSchema = z
  .strictObject({
    device_name: matches(DEVICE_NAME, "a device name such as /dev/xvdb").describe("Device name of the extra volume in the recipe, e.g. /dev/xvdb."),
    volume_size_gib: z.number().int().min(1).max(65536).describe("Size in GiB (EBS: 1 to 65,536 for gp3/io2; the type's own minimum applies)."),
    volume_type: volumeType.default("gp3").describe("EBS volume type."),
    iops: z
      .number()
      .int()
      .min(100)
      .max(256000)
      .optional()
      .describe("Provisioned IOPS: gp3 3,000-80,000, io1 100-64,000, io2 100-256,000 (Amazon EBS volume types); other types take none."),
    throughput_mibps: z.number().int().min(125).max(2000).optional().describe("Throughput in MiB/s, gp3 only (125-2,000)."),
    delete_on_termination: z.boolean().default(true).describe("Delete the volume when an instance launched from the AMI terminates."),
  })
  .superRefine((device, context) => {
    const range = IOPS_RANGE[device.volume_type];
    if (device.iops !== undefined && !range) {
      context.addIssue({
        code: "custom",
        path: ["iops"],
        input: device.iops,
        message: `expected no iops for ${device.volume_type} volumes (only gp3, io1 and io2 take provisioned IOPS)`,
      });
    } else if (device.iops !== undefined && range && (device.iops < range[0] || device.iops > range[1])) {
      context.addIssue({
        code: "custom",
        path: ["iops"],
        input: device.iops,
        message: `expected ${range[0]} to ${range[1]} IOPS for ${device.volume_type} volumes (Amazon EBS volume types)`,
      });
    }
    if (device.throughput_mibps !== undefined && device.volume_type !== "gp3") {
      context.addIssue({
        code: "custom",
        path: ["throughput_mibps"],
        input: device.throughput_mibps,
        message: `expected no throughput for ${device.volume_type} volumes (only gp3 takes it)`,
      });
    }
  });

const ComponentRefSchema = z.strictObject({
  file: z
    .string()
    .regex(/^[\w.-]+\.ya?ml$/, { message: "expected a file name in image-components/ ending in .yml or .yaml" })
    .describe("A component document in image-components/, e.g. build.yml (its name and version come from the document)."),
  parameters: z.record(z.string(), z.string()).default({}).describe("Values for the component document's parameters, by name."),
});

const ScheduleSchema = z.strictObject({
  cron: matches(
    IMAGE_BUILDER_CRON,
    'Image Builder\'s six-field cron such as "cron(0 3 ? * MON *)" (minutes hours day-of-month month day-of-week year)',
  ).describe("When the pipeline builds: Image Builder's six-field cron, cron(minutes hours day-of-month month day-of-week year)."),
  timezone: z.string().min(1).default("Etc/UTC").describe("IANA time zone the cron expression is read in."),
  start_condition: z
    .enum(PIPELINE_START_CONDITIONS)
    .default("EXPRESSION_MATCH_ONLY")
    .describe(
      "EXPRESSION_MATCH_ONLY builds on every tick (each build's UpdateOS step brings the week's OS patches); EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE builds only when a newer parent image or component version exists (with pinned components: a new parent image only, so OS patches in between never trigger a build).",
    ),
});

const LaunchPermissionsSchema = z.strictObject({
  organization: z.boolean().default(true).describe("Share the AMIs with the whole organization (organization.arn)."),
  organizational_units: z
    .array(matches(OU_ARN, "an OU ARN (arn:aws:organizations::<mgmt account>:ou/o-<id>/ou-<id>)"))
    .default([])
    .describe("Share with these organizational units (OU ARNs)."),
  accounts: z.array(accountId).default([]).describe("Share with these AWS accounts."),
  user_groups: z.array(z.string()).default([]).describe('Refused when non-empty: the one EC2 user group, "all", makes an AMI public.'),
});

const DistributionSchema = z.strictObject({
  regions: z.array(region).min(1).optional().describe("Regions each AMI is copied to (the shared account's region included). Default: the shared region only."),
  launch_permissions: LaunchPermissionsSchema.prefault({}).describe("Who may launch the AMIs."),
  kms_key_arn: matches(KMS_KEY_ARN, "a KMS key or alias ARN")
    .optional()
    .describe(
      "Customer-managed KMS key, in the shared region, that encrypts the build and the shared region's copy of each AMI; each workload account's Auto Scaling gets a grant on its region's key. Default: the AWS-managed EBS key (or ami_encryption's key).",
    ),
  region_kms_key_arns: z
    .record(region, matches(KMS_KEY_ARN, "a KMS key or alias ARN"))
    .default({})
    .describe(
      "With kms_key_arn: the key (or alias ARN) of every other distribution region, by region. KMS keys are regional: CopyImage encrypts each copy with a key of its destination region.",
    ),
  ami_tags: tags.default({}).describe("Tags on every distributed AMI (besides the project's own)."),
});

const NetworkSchema = z.strictObject({
  vpc_id: matches(RESOURCE_ID("vpc"), "a VPC id such as vpc-0123456789abcdef0").describe(
    "VPC of the instances (build instances for images, the group's instances for workloads).",
  ),
  subnet_id: matches(RESOURCE_ID("subnet"), "a subnet id such as subnet-0123456789abcdef0")
    .optional()
    .describe("Subnet of the build instances (images only). Default: Image Builder's choice in the VPC."),
  security_group_ids: z
    .array(matches(RESOURCE_ID("sg"), "a security group id such as sg-0123456789abcdef0"))
    .min(1)
    .optional()
    .describe("Security groups of the instances. Default: an egress-only security group created in vpc_id."),
});

/** Image Builder lifecycle policy of an image's AMIs: deprecate, then delete older ones. */
const LifecycleSchema = z.strictObject({
  enabled: z.boolean().default(true).describe("Manage the image's AMIs with an Image Builder lifecycle policy."),
  deprecate_beyond_newest: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(3)
    .describe("AMIs beyond the newest N are deprecated (still launchable, hidden from latest lookups)."),
  delete_beyond_newest: z.number().int().min(1).max(1000).default(10).describe("AMIs beyond the newest N are deleted with their snapshots."),
  keep_if_launched_within_days: z
    .number()
    .int()
    .min(1)
    .max(365)
    .default(30)
    .describe("Never deprecate or delete an AMI launched this recently. AMIs a channel serves or a workload pins are never touched either."),
});

const ImageSchema = z.strictObject({
  name: z
    .string()
    .regex(IMAGE_NAME, {
      message:
        'expected letters, digits, "-" and "_", starting with a letter or digit: the name is used for Image Builder resources and for AMI names "<name>_v<build>_<date>" (AMI names allow letters, digits, -_.:{} and spaces, 3 to 127 characters)',
    })
    .max(AMI_NAME_MAX_LENGTH - "_v99999_2025-01-01T00-00-00.000Z".length, {
      message: `expected at most ${AMI_NAME_MAX_LENGTH - "_v99999_2025-01-01T00-00-00.000Z".length} characters so that "<name>_v<build>_<date>" stays within the ${AMI_NAME_MAX_LENGTH}-character AMI name limit`,
    })
    .describe("The image's name: Image Builder resources and AMI names <name>_v<build>_<date> are made from it."),
  description: z.string().max(1024).optional().describe("Description of the recipe and pipeline."),
  parent_image: matches(PARENT_IMAGE, 'an AMI id, an Image Builder image ARN, or a managed image such as "amazon-linux-2023-x86/x.x.x"')
    .default("amazon-linux-2023-x86/x.x.x")
    .describe("An AMI id, an Image Builder image ARN, or an AWS-managed image such as amazon-linux-2023-x86/x.x.x."),
  version: semver.default("1.0.0").describe("Recipe version, MAJOR.MINOR.PATCH; recorded in the recipe lock (golden-ami lock)."),
  components: z.array(ComponentRefSchema).min(1).describe("Build and test components, in order."),
  root_device_name: matches(ROOT_DEVICE_NAME, "a root device name such as /dev/xvda or /dev/sda1")
    .default("/dev/xvda")
    .describe(
      "The parent image's root device (Amazon Linux /dev/xvda, Ubuntu and Windows /dev/sda1). With a customer-managed key the recipe maps it encrypted with that key: a distribution's key encrypts only the copies in other regions, never the AMI a build makes in the shared region.",
    ),
  block_devices: z.array(BlockDeviceSchema).default([]).describe("Extra EBS volumes of the recipe (the root volume comes from the parent image)."),
  instance_types: z
    .array(z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, { message: "expected an instance type such as t3.small" }))
    .min(1)
    .default(["t3.small"])
    .describe("Instance types of the build and test instances."),
  network: NetworkSchema.describe("Where build and test instances run."),
  schedule: ScheduleSchema.optional().describe("When the pipeline builds. Default: only when started by hand."),
  tests: z
    .strictObject({
      enabled: z.boolean().default(true).describe("Run the test phase of the components."),
      timeout_minutes: z.number().int().min(60).max(1440).default(720).describe("Test phase timeout (Image Builder: 60-1,440 minutes)."),
    })
    .prefault({})
    .describe("Image Builder's test phase."),
  distribution: DistributionSchema.prefault({}).describe("Regions, launch permissions, keys and tags of the AMIs."),
  lifecycle: LifecycleSchema.prefault({}).describe("Deprecation and deletion of older AMIs."),
});

const amiId = matches(/^ami-[0-9a-f]{8,17}$/, "an AMI id such as ami-0123456789abcdef0");
const subnetId = matches(RESOURCE_ID("subnet"), "a subnet id such as subnet-0123456789abcdef0");

/** Which shared AMI a workload (or a blue/green colour) runs. */
const AmiSourceSchema = z.discriminatedUnion(
  "source",
  [
    z.strictObject({ source: z.literal("latest").describe("latest: the most recent shared AMI of the workload's image.") }),
    z.strictObject({
      source: z.literal("pinned").describe("pinned: exactly image_id, until the configuration says otherwise."),
      image_id: amiId.describe("With source pinned: the AMI id."),
    }),
    z.strictObject({
      source: z
        .literal("environment")
        .describe("environment: the AMI another environment of the same image runs (published in SSM by that environment's stack)."),
      environment: lowerCaseName(32, "an environment name such as staging", "it names SSM parameters and channels").describe(
        "With source environment: the environment whose AMI this one follows (through the SSM parameter that environment's stack publishes).",
      ),
    }),
    z.strictObject({
      source: z.literal("channel").describe("channel: the AMI a channel serves (the channels file; golden-ami promote writes it). Works across accounts."),
      channel: lowerCaseName(32, "a channel name such as production", "as golden-ami promote --to takes it").describe(
        "With source channel: the channel (in the channels file beside the configuration; golden-ami promote writes it).",
      ),
    }),
  ],
  { error: 'expected source "latest", "pinned" (with image_id), "environment" (with environment) or "channel" (with channel)' },
);

const percentage = z.number().int().min(0).max(100);

const InstanceRefreshSchema = z.strictObject({
  enabled: z.boolean().default(true).describe("Start an instance refresh whenever the launch template version changes."),
  min_healthy_percentage: percentage.default(90).describe("Share of capacity kept in service during a refresh."),
  max_healthy_percentage: z
    .number()
    .int()
    .min(100)
    .max(200)
    .default(100)
    .describe("Upper bound of capacity during a refresh (100: never more than the desired capacity; above: launch before terminating)."),
  instance_warmup_seconds: apiInteger(0).default(300).describe("Seconds a new instance is given before it counts as healthy."),
  checkpoint_percentages: z.array(z.number().int().min(1).max(100)).default([]).describe("Pause points, ascending, unique, ending at 100."),
  checkpoint_delay_seconds: z.number().int().min(0).max(172800).default(3600).describe("Pause at each checkpoint (at most 2 days)."),
  auto_rollback: z
    .boolean()
    .default(false)
    .describe(
      "Refused when true: the provider cannot roll back a launch template version it applied (terraform-provider-aws #34189); roll back by configuration.",
    ),
  skip_matching: z.boolean().default(true).describe("Leave instances already on the new launch template version alone."),
});

const AutoScalingSchema = z.strictObject({
  enabled: z.boolean().default(true).describe("Create the launch template and Auto Scaling group; a workload without a group must say so."),
  subnet_ids: z.array(subnetId).min(1).optional().describe("Subnets of the group (at least one). Required when enabled."),
  min_size: apiInteger(0).default(1).describe("Minimum number of instances."),
  max_size: apiInteger(0).default(2).describe("Maximum number of instances."),
  desired_capacity: apiInteger(0).optional().describe("Set: the configuration owns it. Left out: min_size at creation, then owned by scaling, never a diff."),
  target_group_arns: z
    .array(matches(/^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[\w-]+\/[0-9a-f]+$/, "a target group ARN"))
    .default([])
    .describe("Target groups of load balancers managed elsewhere."),
  health_check_type: z.enum(["EC2", "ELB"]).default("EC2").describe("EC2 status checks, or also the load balancer's (ELB)."),
  health_check_grace_period_seconds: apiInteger(0).default(300).describe("Seconds after launch before health checks count."),
  launch_template_version: z
    .enum(["latest", "$Latest", "$Default"])
    .default("latest")
    .describe('"latest" follows the launch template\'s latest_version, so each new version rolls the group; "$Latest"/"$Default" never start a refresh.'),
  instance_refresh: InstanceRefreshSchema.prefault({}).describe("How a new launch template version rolls through the group."),
  service_linked_role: z
    .enum(["existing", "create"])
    .default("existing")
    .describe(
      '"existing": AWSServiceRoleForAutoScaling already exists in the account (AWS creates it with the first group). "create": this stack creates it, before the KMS grant that names it; one stack per account at most.',
    ),
});

const ColourSchema = z.strictObject({
  ami: AmiSourceSchema.describe("The AMI this colour runs."),
  serves: z
    .array(z.enum(["production", "verification"]))
    .default([])
    .describe("Target groups this colour's instances are registered with."),
  min_size: apiInteger(0).describe("Minimum instances of this colour (0 retires it)."),
  max_size: apiInteger(0).describe("Maximum instances of this colour."),
});

/** Two groups swapped by four reviewed configuration changes (AWS whitepaper "Blue/Green Deployments on AWS": swap Auto Scaling groups behind the load balancer). */
const BlueGreenSchema = z.strictObject({
  port: z.number().int().min(1).max(65535).default(80).describe("Traffic port of the production and verification target groups."),
  health_check_path: z.string().startsWith("/").default("/").describe("HTTP path the target groups check."),
  blue: ColourSchema.optional().describe("The blue group. At least one colour."),
  green: ColourSchema.optional().describe("The green group."),
});

const UserDataSchema = z.strictObject({
  template: z.string().min(1).describe("A cloud-init template (Terraform templatefile syntax), relative to the configuration file."),
  variables: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "expected a template variable name" }), z.string())
    .default({})
    .describe("Values for the template's variables, by name; ami_id and environment are provided."),
});

const WorkloadSchema = z.strictObject({
  name: lowerCaseName(63, "a workload name such as web-staging", "it names the stack").describe(
    'The workload\'s name; it names its stack (unique, not "shared" nor bootstrap-*).',
  ),
  environment: lowerCaseName(32, "an environment name such as staging", "it names SSM parameters and channels").describe(
    "Environment, e.g. staging or production: promotion and following compare by it.",
  ),
  account_id: accountId.describe("The workload account (12 digits, quoted in YAML)."),
  region: region.describe("The workload's region: one of the image's distribution regions."),
  role_arn: roleArn.optional().describe("Role Terraform assumes to deploy this stack. Default: ci_roles' convention, else the environment's credentials."),
  plan_role_arn: roleArn
    .optional()
    .describe("Read-only role Terraform assumes to plan this stack. Default: ci_roles' convention, else the environment's credentials."),
  image: z.string().min(1).describe("Name of the image (images[].name) whose AMIs this workload runs."),
  instance_type: z
    .string()
    .regex(/^[a-z0-9-]+\.[a-z0-9]+$/, { message: "expected an instance type such as t3.small" })
    .default("t3.small")
    .describe("Instance type of the group's instances."),
  root_volume: z
    .strictObject({
      device_name: matches(DEVICE_NAME, "a device name such as /dev/xvda").default("/dev/xvda").describe("Root device name of the AMI."),
      size_gib: z.number().int().min(8).max(16384).default(50).describe("Root volume size in GiB."),
      volume_type: volumeType.default("gp3").describe("Root volume type."),
      kms_key_arn: matches(KMS_KEY_ARN, "a KMS key or alias ARN").optional().describe("Key of the root volume. Default: the AMI's encryption."),
    })
    .prefault({})
    .describe("The instances' root volume."),
  network: NetworkSchema.describe("The group's VPC and security groups."),
  ami: AmiSourceSchema.default({ source: "latest" }).describe("Which shared AMI the workload runs: latest, pinned, another environment's, or a channel's."),
  publish_ami_parameter: z
    .boolean()
    .default(true)
    .describe("Publish the AMI this workload runs as SSM parameter /golden-ami/<image>/<environment>, for environments that follow it."),
  auto_scaling: AutoScalingSchema.prefault({}).describe("The launch template and Auto Scaling group."),
  blue_green: BlueGreenSchema.optional().describe("Two groups instead of one, swapped by configuration changes. Default: one rolling group."),
  user_data: UserDataSchema.optional().describe("cloud-init user data from a template."),
  tags: tags.default({}).describe("Tags on the workload's resources (besides the configuration's tags)."),
  retired: z
    .boolean()
    .default(false)
    .describe(
      "Retire the workload: its stack keeps its name, state and provider only, so its plan destroys everything it created. Review that plan, apply it, then remove the entry.",
    ),
});

const StateSchema = z.strictObject({
  bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: "expected an S3 bucket name" })
    .describe("S3 bucket for Terraform state; one key per stack, locked with an S3 lock file; stored plans under <key_prefix>/plans/."),
  region: region.describe("Region of the bucket."),
  key_prefix: z
    .string()
    .regex(/^[\w/.-]*$/)
    .default("golden-ami")
    .describe("Prefix of the state keys: <key_prefix>/<stack>.tfstate."),
  role_arn: roleArn.optional().describe("Role that writes state (applies). Default: the environment's credentials."),
  plan_role_arn: roleArn.optional().describe("Role that reads state (plans). Default: the environment's credentials."),
});

/**
 * Role names by convention, one per purpose in every account: a stack without role_arn or
 * plan_role_arn assumes arn:<partition>:iam::<its account>:role/<name> (docs/ci-roles.md).
 */
const CiRolesSchema = z.strictObject({
  plan_role_name: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, { message: "expected an IAM role name" })
    .default("golden-ami-plan")
    .describe("Name of the read-only role in every account."),
  deploy_role_name: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, { message: "expected an IAM role name" })
    .default("golden-ami-deploy")
    .describe("Name of the deploy role in every account."),
});

const NotificationsSchema = z.strictObject({
  slack: z
    .strictObject({
      workspace_id: z
        .string()
        .regex(/^[A-Z0-9]+$/, { message: "expected a Slack workspace id such as T0123ABCD" })
        .describe("Slack workspace id, e.g. T0123ABCD."),
      channel_id: z
        .string()
        .regex(/^[A-Z0-9]+$/, { message: "expected a Slack channel id such as C0123ABCD" })
        .describe("Slack channel id, e.g. C0123ABCD."),
    })
    .optional()
    .describe("Also deliver to Slack through AWS Chatbot (the workspace must be authorised in the console once). Default: SNS only."),
  states: z
    .array(z.enum(["AVAILABLE", "FAILED", "CANCELLED"]))
    .min(1)
    .default(["AVAILABLE", "FAILED"])
    .describe("Image states that notify."),
});

/**
 * Per-account roles as code (stacks/bootstrap-stack.ts): who may assume each workload account's plan
 * and deploy roles. Synthesized only with AMI_PIPELINE_BOOTSTRAP=1, applied once per account by an
 * administrator (docs/access-contract.md, "Bootstrapping an account").
 */
const BootstrapSchema = z.strictObject({
  plan_trusted_by: z.array(roleArn).min(1).describe("Principals (the CI's plan role, through OIDC) that may assume every plan role."),
  deploy_trusted_by: z.array(roleArn).min(1).describe("Principals (the CI's deploy roles) that may assume every deploy role."),
});

export const ConfigSchema = z.strictObject({
  organization: z
    .strictObject({
      arn: matches(
        ORGANIZATION_ARN,
        "an organization ARN (arn:aws:organizations::<12-digit management account>:organization/o-<10 to 32 characters>)",
      ).describe("The organization's ARN: AMIs are shared with it and key policies admit its accounts."),
    })
    .describe("The AWS organization the AMIs are shared with."),
  shared: z
    .strictObject({
      account_id: accountId.describe("The shared (tooling) account that builds and owns the AMIs."),
      region: region.describe("The shared account's region: pipelines run there."),
      role_arn: roleArn
        .optional()
        .describe("Role Terraform assumes to deploy the shared stack. Default: ci_roles' convention, else the environment's credentials."),
      plan_role_arn: roleArn
        .optional()
        .describe("Read-only role Terraform assumes to plan the shared stack. Default: ci_roles' convention, else the environment's credentials."),
    })
    .describe("The shared account and its stack."),
  ci_roles: CiRolesSchema.optional().describe("Roles by convention for every stack that names none (docs/ci-roles.md). Default: no convention."),
  bootstrap: BootstrapSchema.optional().describe(
    "Per-account CI roles as code (bootstrap stacks). Default: none; the roles are made by hand (docs/ci-roles.md).",
  ),
  state: StateSchema.optional().describe("S3 state. Default: local state, one file per stack (refused in CI)."),
  tags: tags.default({}).describe("Tags on every resource of every stack."),
  ami_encryption: z
    .strictObject({
      enabled: z.boolean().default(false).describe("Create the organization's AMI key in the shared account."),
      key_alias: z
        .string()
        .regex(/^[a-zA-Z0-9/_-]{1,200}$/, { message: "expected a KMS alias name without the alias/ prefix" })
        .default("golden-ami")
        .describe("Alias of the key in every distribution region (without alias/); workloads find the key by it."),
    })
    .prefault({})
    .describe(
      "A customer-managed key in the shared account for every AMI (recipe volumes and distributed copies), usable by the organization's accounts. Default: AWS-managed EBS encryption.",
    ),
  notifications: NotificationsSchema.prefault({}).describe("Image Builder notifications from the shared account: an encrypted SNS topic."),
  images: z.array(ImageSchema).min(1).describe("The golden images: one Image Builder pipeline each."),
  workloads: z.array(WorkloadSchema).default([]).describe("The workloads: one stack each (account, region, environment)."),
  promotion: z
    .strictObject({
      soak_hours: z
        .number()
        .min(0)
        .max(24 * 90)
        .default(24)
        .describe("golden-ami promote refuses an AMI the source environment has run for less than this."),
    })
    .prefault({})
    .describe("Rules of golden-ami promote."),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ImageConfig = z.infer<typeof ImageSchema>;
export type WorkloadConfig = z.infer<typeof WorkloadSchema>;
export type BlockDeviceConfig = z.infer<typeof BlockDeviceSchema>;
export type StateConfig = z.infer<typeof StateSchema>;
export type CiRolesConfig = z.infer<typeof CiRolesSchema>;
export type BootstrapConfig = z.infer<typeof BootstrapSchema>;
export type LifecycleConfig = z.infer<typeof LifecycleSchema>;
export type AmiSourceConfig = z.infer<typeof AmiSourceSchema>;
export type AutoScalingConfig = z.infer<typeof AutoScalingSchema>;
export type BlueGreenConfig = z.infer<typeof BlueGreenSchema>;
