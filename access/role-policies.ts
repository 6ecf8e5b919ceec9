// Least-privilege IAM policies for the per-account CI roles, derived from the access contract: the
// actions the real provider called per phase (docs/access/recorded.json) and the reviewed calls the
// emulator cannot produce (docs/access/unrecordable.json). A plan role gets exactly the reads of
// read-only plans; a deploy role every call of every phase. No `*` action, no AWS managed policy.
import { readFileSync } from "node:fs";
import { ACCESS_RECORDED_FILE, ACCESS_UNRECORDABLE_FILE } from "../config/paths";

export type RolePurpose = "plan" | "deploy";

export interface AccessContract {
  /** stack kind → phase → IAM actions. */
  readonly recorded: Readonly<Record<string, Readonly<Record<string, ReadonlyArray<string>>>>>;
  readonly unrecordable: ReadonlyArray<{ readonly where: string; readonly role: string; readonly actions: ReadonlyArray<string> }>;
}

export function readAccessContract(): AccessContract {
  const recorded = JSON.parse(readFileSync(ACCESS_RECORDED_FILE, "utf8")) as AccessContract["recorded"];
  const unrecordable = (JSON.parse(readFileSync(ACCESS_UNRECORDABLE_FILE, "utf8")) as { calls: AccessContract["unrecordable"] }).calls;
  return { recorded, unrecordable };
}

/** Actions AWS authorizes without any permission: never listed. */
const NO_PERMISSION_NEEDED = new Set(["sts:GetCallerIdentity"]);

export interface WorkloadAccount {
  readonly accountId: string;
  /** The account that owns the shared AMI key. */
  readonly sharedAccountId: string;
  readonly partition?: string;
}

/**
 * The actions of one part's role of `purpose`, from the contract (sorted, unique): the recorded phases
 * of its stack kinds (a plan role: the read-only plans only) and its reviewed calls. A deploy also
 * plans, so a deploy role has the plan role's reads too.
 */
function contractActions(contract: AccessContract, purpose: RolePurpose, part: "workload" | "shared"): string[] {
  const phases = Object.entries(contract.recorded)
    .filter(([kind]) => kind.startsWith(part))
    .flatMap(([, byPhase]) => Object.entries(byPhase))
    .filter(([phase]) => purpose === "deploy" || phase.includes("read-only"));
  const reviewed = contract.unrecordable
    .filter((call) => call.where.startsWith(part === "workload" ? "workload stack" : "shared") && call.role === purpose)
    .flatMap((call) => call.actions);
  const reads = purpose === "deploy" ? contractActions(contract, "plan", part) : [];
  return [...new Set([...phases.flatMap(([, actions]) => actions), ...reviewed, ...reads])].filter((a) => !NO_PERMISSION_NEEDED.has(a)).sort();
}

/** The actions a workload account's role of `purpose` needs, from the contract (sorted, unique). */
export function workloadActions(contract: AccessContract, purpose: RolePurpose): string[] {
  return contractActions(contract, purpose, "workload");
}

/**
 * The identity policy of a workload account's plan or deploy role. Scoped where the service allows:
 * KMS to the shared account's keys, SSM to the project's /golden-ami/ parameters, service-linked role
 * creation to Auto Scaling's; the rest of EC2 and Auto Scaling on "*" (their create calls name no
 * resource ARN before it exists).
 */
export function workloadRolePolicy(contract: AccessContract, purpose: RolePurpose, account: WorkloadAccount) {
  const partition = account.partition ?? "aws";
  const actions = workloadActions(contract, purpose);
  const of = (service: string) => actions.filter((a) => a.startsWith(`${service}:`));
  const rest = actions.filter((a) => !["kms", "ssm", "iam"].some((s) => a.startsWith(`${s}:`)));
  const ssmParameters = of("ssm").filter((a) => a !== "ssm:DescribeParameters");
  const statements = [
    { Sid: "ComputeAndScaling", Effect: "Allow", Action: rest, Resource: "*" },
    of("kms").length > 0 && { Sid: "SharedAmiKey", Effect: "Allow", Action: of("kms"), Resource: `arn:${partition}:kms:*:${account.sharedAccountId}:key/*` },
    ssmParameters.length > 0 && {
      Sid: "ProjectParameters",
      Effect: "Allow",
      Action: ssmParameters,
      Resource: `arn:${partition}:ssm:*:${account.accountId}:parameter/golden-ami/*`,
    },
    of("ssm").includes("ssm:DescribeParameters") && { Sid: "ListParameters", Effect: "Allow", Action: ["ssm:DescribeParameters"], Resource: "*" },
    of("iam").some((a) => a !== "iam:CreateServiceLinkedRole") && {
      // golden-ami preflight: the service-linked role's existence, and the policy simulator on the account's roles.
      Sid: "ReadRoles",
      Effect: "Allow",
      Action: of("iam").filter((a) => a !== "iam:CreateServiceLinkedRole"),
      Resource: `arn:${partition}:iam::${account.accountId}:role/*`,
    },
    of("iam").includes("iam:CreateServiceLinkedRole") &&
      serviceLinkedRoleStatement("AutoScalingServiceLinkedRole", partition, account.accountId, "autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling"),
  ].filter(Boolean);
  return { Version: "2012-10-17", Statement: statements };
}

/** The actions the shared account's role of `purpose` needs, from the contract (sorted, unique). */
export function sharedActions(contract: AccessContract, purpose: RolePurpose): string[] {
  return contractActions(contract, purpose, "shared");
}

/** Creating one service's service-linked role in the account, and no other's (IAM user guide, "Service-linked role permissions"). */
function serviceLinkedRoleStatement(sid: string, partition: string, accountId: string, service: string, roleName: string) {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: ["iam:CreateServiceLinkedRole"],
    Resource: `arn:${partition}:iam::${accountId}:role/aws-service-role/${service}/${roleName}`,
    Condition: { StringEquals: { "iam:AWSServiceName": service } },
  };
}

/** Actions that name no resource ARN (or none before it exists): on "*". */
const UNSCOPED_KMS = new Set(["kms:CreateKey", "kms:ListAliases"]);

/**
 * The identity policy of the shared account's plan or deploy role. Scoped where the service allows:
 * IAM to the project's golden-ami-* roles and instance profiles, iam:PassRole only to Image Builder,
 * KMS to the account's own keys and aliases, the service-linked role to Image Builder's; Image
 * Builder, EC2, SNS and EventBridge on "*" (their create calls name no ARN before it exists).
 */
export function sharedRolePolicy(contract: AccessContract, purpose: RolePurpose, account: { readonly accountId: string; readonly partition?: string }) {
  const partition = account.partition ?? "aws";
  const actions = sharedActions(contract, purpose);
  const of = (service: string) => actions.filter((a) => a.startsWith(`${service}:`));
  const rest = actions.filter((a) => !["kms", "iam"].some((s) => a.startsWith(`${s}:`)));
  const kms = of("kms");
  const iam = of("iam").filter((a) => a !== "iam:PassRole" && a !== "iam:CreateServiceLinkedRole");
  const statements = [
    { Sid: "ImagesAndNotifications", Effect: "Allow", Action: rest, Resource: "*" },
    kms.some((a) => UNSCOPED_KMS.has(a)) && { Sid: "CreateAndListKeys", Effect: "Allow", Action: kms.filter((a) => UNSCOPED_KMS.has(a)), Resource: "*" },
    kms.some((a) => !UNSCOPED_KMS.has(a)) && {
      Sid: "AccountKeys",
      Effect: "Allow",
      Action: kms.filter((a) => !UNSCOPED_KMS.has(a)),
      Resource: [`arn:${partition}:kms:*:${account.accountId}:key/*`, `arn:${partition}:kms:*:${account.accountId}:alias/*`],
    },
    iam.length > 0 && {
      Sid: "ProjectRoles",
      Effect: "Allow",
      Action: iam,
      Resource: [`arn:${partition}:iam::${account.accountId}:role/golden-ami-*`, `arn:${partition}:iam::${account.accountId}:instance-profile/golden-ami-*`],
    },
    of("iam").includes("iam:PassRole") && {
      Sid: "PassProjectRolesToImageBuilder",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: `arn:${partition}:iam::${account.accountId}:role/golden-ami-*`,
      // Image Builder takes the lifecycle role itself and launches builds with the instance profile's role.
      Condition: { StringEquals: { "iam:PassedToService": ["imagebuilder.amazonaws.com", "ec2.amazonaws.com"] } },
    },
    of("iam").includes("iam:CreateServiceLinkedRole") &&
      serviceLinkedRoleStatement("ImageBuilderServiceLinkedRole", partition, account.accountId, "imagebuilder.amazonaws.com", "AWSServiceRoleForImageBuilder"),
  ].filter(Boolean);
  return { Version: "2012-10-17", Statement: statements };
}

type PolicyDocument = { Version: string; Statement: Array<{ Sid: string } & Record<string, unknown>> };

/**
 * One account's role policy for every part it plays: the shared account's and, where workloads run
 * in it too, theirs (statement ids prefixed so they stay unique). One inline policy: IAM's aggregate
 * inline limit per role is 10,240 characters.
 */
export function accountRolePolicy(
  contract: AccessContract,
  purpose: RolePurpose,
  parts: { readonly shared?: { accountId: string; partition?: string }; readonly workload?: WorkloadAccount },
) {
  const documents: Array<[string, PolicyDocument]> = [
    ...(parts.shared ? [["Shared", sharedRolePolicy(contract, purpose, parts.shared) as PolicyDocument] as [string, PolicyDocument]] : []),
    ...(parts.workload ? [["Workload", workloadRolePolicy(contract, purpose, parts.workload) as PolicyDocument] as [string, PolicyDocument]] : []),
  ];
  if (documents.length === 1) return documents[0][1];
  return { Version: "2012-10-17", Statement: documents.flatMap(([prefix, document]) => document.Statement.map((s) => ({ ...s, Sid: `${prefix}${s.Sid}` }))) };
}
