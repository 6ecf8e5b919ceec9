import { z } from "zod";

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
const ENV_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const RESOURCE_ID = (prefix: string) => new RegExp(`^${prefix}-[0-9a-f]{8}([0-9a-f]{9})?$`);
const PARENT_IMAGE =
  /^(ami-[0-9a-f]{8,17}|arn:aws[a-z-]*:imagebuilder:[a-z0-9-]+:(aws|\d{12}):image\/[a-z0-9-]+\/(\d+|x)\.(\d+|x)\.(\d+|x)(\/\d+)?|[a-z0-9-]+\/(\d+|x)\.(\d+|x)\.(\d+|x))$/;

/** The longest AMI name Image Builder accepts; the image name must leave room for version and date. */
export const AMI_NAME_MAX_LENGTH = 127;

const matches = (pattern: RegExp, expected: string) => z.string().regex(pattern, { message: `expected ${expected}` });

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

const volumeType = z.enum(["gp3", "gp2", "io1", "io2", "st1", "sc1", "standard"]);

export const BlockDeviceSchema = z
  .strictObject({
    device_name: matches(DEVICE_NAME, "a device name such as /dev/xvdb"),
    volume_size_gib: z.number().int().min(1).max(65536),
    volume_type: volumeType.default("gp3"),
    iops: z.number().int().min(100).max(256000).optional(),
    throughput_mibps: z.number().int().min(125).max(2000).optional(),
    delete_on_termination: z.boolean().default(true),
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

export const ComponentRefSchema = z.strictObject({
  /** A file in image-components/, e.g. build.yml. */
  file: z.string().regex(/^[\w.-]+\.ya?ml$/, { message: "expected a file name in image-components/ ending in .yml or .yaml" }),
  parameters: z.record(z.string(), z.string()).default({}),
});

export const ScheduleSchema = z.strictObject({
  cron: matches(IMAGE_BUILDER_CRON, 'Image Builder\'s six-field cron such as "cron(0 3 ? * MON *)" (minutes hours day-of-month month day-of-week year)'),
  timezone: z.string().min(1).default("Etc/UTC"),
  /**
   * EXPRESSION_MATCH_ONLY builds on every tick, so each build's UpdateOS step brings the week's OS
   * patches. EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE builds only when a newer parent image
   * or component version exists: with components pinned to exact versions that is a new parent
   * image only, and OS patches published in between never trigger a build.
   */
  start_condition: z.enum(["EXPRESSION_MATCH_ONLY", "EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE"]).default("EXPRESSION_MATCH_ONLY"),
});

export const LaunchPermissionsSchema = z.strictObject({
  /** Share with the whole organization (organization.arn). */
  organization: z.boolean().default(true),
  organizational_units: z.array(matches(OU_ARN, "an OU ARN (arn:aws:organizations::<mgmt account>:ou/o-<id>/ou-<id>)")).default([]),
  accounts: z.array(accountId).default([]),
  /** Only here to be refused by name: the one EC2 user group, "all", makes an AMI public. */
  user_groups: z.array(z.string()).default([]),
});

export const DistributionSchema = z.strictObject({
  /** @default - the shared account's region only */
  regions: z.array(region).min(1).optional(),
  launch_permissions: LaunchPermissionsSchema.prefault({}),
  /**
   * Customer-managed KMS key, in the shared region, that encrypts the build and the shared region's
   * copy of each AMI. Each workload account's Auto Scaling gets a grant on its region's key.
   * @default - AWS-managed EBS key
   */
  kms_key_arn: matches(KMS_KEY_ARN, "a KMS key or alias ARN").optional(),
  /**
   * With kms_key_arn: the key of every other distribution region (region → key or alias ARN in that
   * region). KMS keys are regional: CopyImage encrypts each copy with a key of its destination region.
   * @default - none (required for every other region when kms_key_arn is set)
   */
  region_kms_key_arns: z.record(region, matches(KMS_KEY_ARN, "a KMS key or alias ARN")).default({}),
  ami_tags: tags.default({}),
});

export const NetworkSchema = z.strictObject({
  vpc_id: matches(RESOURCE_ID("vpc"), "a VPC id such as vpc-0123456789abcdef0"),
  subnet_id: matches(RESOURCE_ID("subnet"), "a subnet id such as subnet-0123456789abcdef0").optional(),
  /** @default - an egress-only security group is created in vpc_id */
  security_group_ids: z
    .array(matches(RESOURCE_ID("sg"), "a security group id such as sg-0123456789abcdef0"))
    .min(1)
    .optional(),
});

/** Image Builder lifecycle policy of an image's AMIs: deprecate, then delete older ones. */
export const LifecycleSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** AMIs beyond the newest N are deprecated (still launchable, hidden from "latest" lookups). */
  deprecate_beyond_newest: z.number().int().min(1).max(1000).default(3),
  /** AMIs beyond the newest N are deleted with their snapshots. */
  delete_beyond_newest: z.number().int().min(1).max(1000).default(10),
  /** Never touch an AMI launched this recently (a pinned production AMI stays). */
  keep_if_launched_within_days: z.number().int().min(1).max(365).default(30),
});

export const ImageSchema = z.strictObject({
  name: z
    .string()
    .regex(IMAGE_NAME, {
      message:
        'expected letters, digits, "-" and "_", starting with a letter or digit: the name is used for Image Builder resources and for AMI names "<name>_v<build>_<date>" (AMI names allow letters, digits, -_.:{} and spaces, 3 to 127 characters)',
    })
    .max(AMI_NAME_MAX_LENGTH - "_v99999_2025-01-01T00-00-00.000Z".length, {
      message: `expected at most ${AMI_NAME_MAX_LENGTH - "_v99999_2025-01-01T00-00-00.000Z".length} characters so that "<name>_v<build>_<date>" stays within the ${AMI_NAME_MAX_LENGTH}-character AMI name limit`,
    }),
  description: z.string().max(1024).optional(),
  /** An AMI id, an Image Builder image ARN, or an AWS-managed image such as amazon-linux-2023-x86/x.x.x. */
  parent_image: matches(PARENT_IMAGE, 'an AMI id, an Image Builder image ARN, or a managed image such as "amazon-linux-2023-x86/x.x.x"').default(
    "amazon-linux-2023-x86/x.x.x",
  ),
  version: semver.default("1.0.0"),
  components: z.array(ComponentRefSchema).min(1),
  block_devices: z.array(BlockDeviceSchema).default([]),
  instance_types: z
    .array(z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, { message: "expected an instance type such as t3.small" }))
    .min(1)
    .default(["t3.small"]),
  network: NetworkSchema,
  schedule: ScheduleSchema.optional(),
  tests: z
    .strictObject({
      enabled: z.boolean().default(true),
      timeout_minutes: z.number().int().min(60).max(1440).default(720),
    })
    .prefault({}),
  distribution: DistributionSchema.prefault({}),
  lifecycle: LifecycleSchema.prefault({}),
});

const amiId = matches(/^ami-[0-9a-f]{8,17}$/, "an AMI id such as ami-0123456789abcdef0");
const subnetId = matches(RESOURCE_ID("subnet"), "a subnet id such as subnet-0123456789abcdef0");

/** Which shared AMI a workload (or a blue/green colour) runs. */
export const AmiSourceSchema = z.discriminatedUnion(
  "source",
  [
    /** The most recent shared AMI of the workload's image. */
    z.strictObject({ source: z.literal("latest") }),
    /** Exactly this AMI, until the configuration says otherwise. */
    z.strictObject({ source: z.literal("pinned"), image_id: amiId }),
    /** The AMI another environment of the same image runs (published in SSM by that environment's stack). */
    z.strictObject({ source: z.literal("environment"), environment: matches(ENV_NAME, "an environment name such as staging") }),
    /** The AMI a channel serves (the channels file beside the configuration; golden-ami promote writes it). Works across accounts. */
    z.strictObject({ source: z.literal("channel"), channel: matches(ENV_NAME, "a channel name such as production") }),
  ],
  { error: 'expected source "latest", "pinned" (with image_id), "environment" (with environment) or "channel" (with channel)' },
);

const percentage = z.number().int().min(0).max(100);

export const InstanceRefreshSchema = z.strictObject({
  /** Start an instance refresh whenever the launch template version changes. */
  enabled: z.boolean().default(true),
  min_healthy_percentage: percentage.default(90),
  /** @default 100 - never more than the desired capacity */
  max_healthy_percentage: z.number().int().min(100).max(200).default(100),
  instance_warmup_seconds: apiInteger(0).default(300),
  /** Pause points, ascending, unique, ending at 100. @default - none */
  checkpoint_percentages: z.array(z.number().int().min(1).max(100)).default([]),
  checkpoint_delay_seconds: z.number().int().min(0).max(172800).default(3600),
  /** Refused when true: see README "Rolling out a new AMI" (terraform-provider-aws #34189). */
  auto_rollback: z.boolean().default(false),
  skip_matching: z.boolean().default(true),
});

export const AutoScalingSchema = z.strictObject({
  /** @default true - a workload without a group must say so */
  enabled: z.boolean().default(true),
  subnet_ids: z.array(subnetId).min(1).optional(),
  min_size: apiInteger(0).default(1),
  max_size: apiInteger(0).default(2),
  /** Set: the configuration owns it. Left out: min_size at creation, then owned by scaling, never a diff. */
  desired_capacity: apiInteger(0).optional(),
  /** Target groups of load balancers managed elsewhere. @default - none */
  target_group_arns: z
    .array(matches(/^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[\w-]+\/[0-9a-f]+$/, "a target group ARN"))
    .default([]),
  health_check_type: z.enum(["EC2", "ELB"]).default("EC2"),
  health_check_grace_period_seconds: apiInteger(0).default(300),
  /** "latest" follows the launch template's latest_version; "$Latest"/"$Default" never start a refresh. */
  launch_template_version: z.enum(["latest", "$Latest", "$Default"]).default("latest"),
  instance_refresh: InstanceRefreshSchema.prefault({}),
  /**
   * "existing": AWSServiceRoleForAutoScaling already exists in the account (AWS creates it with the
   * first Auto Scaling group). "create": this stack creates it, before the KMS grant that names it;
   * one stack per account at most.
   */
  service_linked_role: z.enum(["existing", "create"]).default("existing"),
});

const ColourSchema = z.strictObject({
  ami: AmiSourceSchema,
  /** Target groups this colour's instances are registered with. */
  serves: z.array(z.enum(["production", "verification"])).default([]),
  min_size: apiInteger(0),
  max_size: apiInteger(0),
});

/** Two groups swapped by four reviewed configuration changes (AWS whitepaper "Blue/Green Deployments on AWS": swap Auto Scaling groups behind the load balancer). */
export const BlueGreenSchema = z.strictObject({
  /** Traffic port of the production and verification target groups. */
  port: z.number().int().min(1).max(65535).default(80),
  health_check_path: z.string().startsWith("/").default("/"),
  blue: ColourSchema.optional(),
  green: ColourSchema.optional(),
});

export const UserDataSchema = z.strictObject({
  /** A cloud-init template (Terraform templatefile syntax), relative to the configuration file. */
  template: z.string().min(1),
  variables: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "expected a template variable name" }), z.string()).default({}),
});

export const WorkloadSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, { message: "expected lower-case letters, digits and '-' (it names the stack)" }),
  environment: matches(ENV_NAME, "a lower-case environment name such as staging"),
  account_id: accountId,
  region: region,
  /** Role Terraform assumes to deploy this stack. @default - ci_roles' convention, else the environment's credentials */
  role_arn: roleArn.optional(),
  /** Read-only role Terraform assumes to plan this stack (AMI_PIPELINE_ROLE_PURPOSE=plan). @default - ci_roles' convention, else the environment's credentials */
  plan_role_arn: roleArn.optional(),
  image: z.string().min(1),
  instance_type: z
    .string()
    .regex(/^[a-z0-9-]+\.[a-z0-9]+$/, { message: "expected an instance type such as t3.small" })
    .default("t3.small"),
  root_volume: z
    .strictObject({
      device_name: matches(DEVICE_NAME, "a device name such as /dev/xvda").default("/dev/xvda"),
      size_gib: z.number().int().min(8).max(16384).default(50),
      volume_type: volumeType.default("gp3"),
      kms_key_arn: matches(KMS_KEY_ARN, "a KMS key or alias ARN").optional(),
    })
    .prefault({}),
  network: NetworkSchema,
  /** @default { source: latest } */
  ami: AmiSourceSchema.default({ source: "latest" }),
  /** Publish the AMI this workload runs as SSM parameter /golden-ami/<image>/<environment>, for environments that follow it. */
  publish_ami_parameter: z.boolean().default(true),
  auto_scaling: AutoScalingSchema.prefault({}),
  /** Two groups instead of one, swapped by configuration changes. @default - one rolling group */
  blue_green: BlueGreenSchema.optional(),
  user_data: UserDataSchema.optional(),
  tags: tags.default({}),
  /**
   * Retire the workload: its stack keeps its name, state and provider and nothing else, so its plan
   * destroys everything it created. Review that plan, apply it, then remove the entry. @default false
   */
  retired: z.boolean().default(false),
});

export const StateSchema = z.strictObject({
  /** S3 bucket for Terraform state; one key per stack, locked with an S3 lock file. */
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: "expected an S3 bucket name" }),
  region: region,
  key_prefix: z
    .string()
    .regex(/^[\w/.-]*$/)
    .default("golden-ami"),
  role_arn: roleArn.optional(),
  /** Role that reads state for plans (AMI_PIPELINE_ROLE_PURPOSE=plan). @default - the environment's credentials */
  plan_role_arn: roleArn.optional(),
});

/**
 * Role names by convention, one per purpose in every account: a stack without role_arn or
 * plan_role_arn assumes arn:<partition>:iam::<its account>:role/<name> (docs/ci-roles.md).
 */
export const CiRolesSchema = z.strictObject({
  plan_role_name: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, { message: "expected an IAM role name" })
    .default("golden-ami-plan"),
  deploy_role_name: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, { message: "expected an IAM role name" })
    .default("golden-ami-deploy"),
});

export const NotificationsSchema = z.strictObject({
  /** Also deliver to Slack through AWS Chatbot (the workspace must be authorised in the console once). @default - SNS only */
  slack: z
    .strictObject({
      workspace_id: z.string().regex(/^[A-Z0-9]+$/, { message: "expected a Slack workspace id such as T0123ABCD" }),
      channel_id: z.string().regex(/^[A-Z0-9]+$/, { message: "expected a Slack channel id such as C0123ABCD" }),
    })
    .optional(),
  /** Image states that notify. */
  states: z
    .array(z.enum(["AVAILABLE", "FAILED", "CANCELLED"]))
    .min(1)
    .default(["AVAILABLE", "FAILED"]),
});

/**
 * Per-account roles as code (stacks/bootstrap-stack.ts): who may assume each workload account's plan
 * and deploy roles. Synthesized only with AMI_PIPELINE_BOOTSTRAP=1, applied once per account by an
 * administrator (README, "Bootstrapping an account").
 */
export const BootstrapSchema = z.strictObject({
  /** Principals (the CI's plan role, through OIDC) that may assume every plan role. */
  plan_trusted_by: z.array(roleArn).min(1),
  /** Principals (the CI's deploy roles) that may assume every deploy role. */
  deploy_trusted_by: z.array(roleArn).min(1),
});

export const ConfigSchema = z.strictObject({
  organization: z.strictObject({
    arn: matches(ORGANIZATION_ARN, "an organization ARN (arn:aws:organizations::<12-digit management account>:organization/o-<10 to 32 characters>)"),
  }),
  shared: z.strictObject({
    account_id: accountId,
    region: region,
    role_arn: roleArn.optional(),
    plan_role_arn: roleArn.optional(),
  }),
  /** Roles by convention for every stack that names none (docs/ci-roles.md). @default - no convention */
  ci_roles: CiRolesSchema.optional(),
  /** @default - no bootstrap stacks: the roles are made by hand (docs/ci-roles.md) */
  bootstrap: BootstrapSchema.optional(),
  /** @default - local state, one file per stack */
  state: StateSchema.optional(),
  tags: tags.default({}),
  /**
   * A customer-managed key in the shared account for every AMI (recipe volumes and distributed
   * copies), usable by the organization's accounts. @default - AWS-managed EBS encryption
   */
  ami_encryption: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** Alias of the key in every distribution region; workloads find the key by it. */
      key_alias: z
        .string()
        .regex(/^[a-zA-Z0-9/_-]{1,200}$/, { message: "expected a KMS alias name without the alias/ prefix" })
        .default("golden-ami"),
    })
    .prefault({}),
  /** Image Builder notifications from the shared account. @default - an encrypted SNS topic, available and failed images */
  notifications: NotificationsSchema.prefault({}),
  images: z.array(ImageSchema).min(1),
  workloads: z.array(WorkloadSchema).default([]),
  /** golden-ami promote refuses an AMI the source has run for less than this. */
  promotion: z
    .strictObject({
      soak_hours: z
        .number()
        .min(0)
        .max(24 * 90)
        .default(24),
    })
    .prefault({}),
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
