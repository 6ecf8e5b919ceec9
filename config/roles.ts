import { ConfigError } from "./problems";
import type { CiRolesConfig } from "./schema";

/** What Terraform runs for: plans assume read-only roles, deploys the roles that may change things. */
export type RolePurpose = "plan" | "deploy";

/**
 * How a synthesized stack names its credentials: it assumes the role of one purpose (the plan is then
 * bound to that role, since a saved plan carries its provider and backend configuration), or it names
 * AWS profiles that the job running Terraform maps to roles: to the plan roles when planning and the
 * deploy roles when applying (`golden-ami plan --profiles`, docs/ci-roles.md).
 */
export const CREDENTIAL_MODES = ["deploy", "plan", "profiles"] as const;
export type CredentialMode = (typeof CREDENTIAL_MODES)[number];

export interface StackRoles {
  readonly role_arn?: string;
  readonly plan_role_arn?: string;
}

/** What one provider or backend is given: a role to assume, a profile to use, or neither (the environment's credentials). */
export interface StackCredentials {
  readonly roleArn?: string;
  readonly profile?: string;
}

/**
 * The role a stack's provider assumes for a purpose: the one the configuration names, else the
 * ci_roles convention in the stack's account, else none (the environment's credentials). A plan
 * never falls back to the deploy role.
 */
export function roleFor(purpose: RolePurpose, stack: StackRoles, accountId: string, partition: string, convention?: CiRolesConfig): string | undefined {
  const explicit = purpose === "plan" ? stack.plan_role_arn : stack.role_arn;
  if (explicit) return explicit;
  if (!convention) return undefined;
  return `arn:${partition}:iam::${accountId}:role/${purpose === "plan" ? convention.plan_role_name : convention.deploy_role_name}`;
}

/** The AWS profile a stack's providers name in profiles mode. */
export function stackProfile(stackName: string): string {
  return `golden-ami-${stackName}`;
}

/** The AWS profile the S3 backend names in profiles mode. */
export const STATE_PROFILE = "golden-ami-state";

/** One provider's or backend's roles for both purposes; `field` names where the configuration sets them. */
export interface RolePair {
  readonly plan?: string;
  readonly deploy?: string;
  readonly field: string;
}

/** A stack's roles for both purposes (each by roleFor). */
export function rolePair(stack: StackRoles, accountId: string, partition: string, convention: CiRolesConfig | undefined, field: string): RolePair {
  return { plan: roleFor("plan", stack, accountId, partition, convention), deploy: roleFor("deploy", stack, accountId, partition, convention), field };
}

/**
 * The credentials of one provider or backend in a mode. In profiles mode a profile stands for the
 * pair of roles; where neither purpose has a role, the environment's credentials serve both (the plan
 * job's and the apply job's differ). A pair with one role only is refused: a plan could not be made
 * and applied under two identities, and silently using the environment's credentials for the missing
 * one would cross the line this mode exists to draw.
 */
export function credentialsFor(mode: CredentialMode, pair: RolePair, profile: string): StackCredentials {
  if (mode !== "profiles") return { roleArn: pair[mode] };
  if (!pair.plan && !pair.deploy) return {};
  if (!pair.plan || !pair.deploy) {
    const [has, missing] = pair.plan ? [`plan role ${pair.plan}`, "deploy role (role_arn)"] : [`deploy role ${pair.deploy}`, "plan role (plan_role_arn)"];
    throw new ConfigError("configuration", [
      {
        path: pair.field,
        message: `names a ${has} and no ${missing}; expected both, or neither (or ci_roles): a plan made with --profiles runs under the plan role and is applied under the deploy role`,
      },
    ]);
  }
  return { profile };
}

/** `arn:aws-us-gov:organizations::…` → `aws-us-gov`. */
export function partitionOf(organizationArn: string): string {
  return organizationArn.split(":")[1] ?? "aws";
}
