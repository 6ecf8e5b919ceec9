import type { CiRolesConfig } from "./schema";

/** What Terraform runs for: plans assume read-only roles, deploys the roles that may change things. */
export type RolePurpose = "plan" | "deploy";

export interface StackRoles {
  readonly role_arn?: string;
  readonly plan_role_arn?: string;
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

/** `arn:aws-us-gov:organizations::…` → `aws-us-gov`. */
export function partitionOf(organizationArn: string): string {
  return organizationArn.split(":")[1] ?? "aws";
}
