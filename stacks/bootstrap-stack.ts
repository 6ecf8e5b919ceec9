import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { BootstrapConfig, Config } from "../config/schema";
import { CiAccessRole } from "../constructs";
import { AccessContract, accountRolePolicy } from "../access/role-policies";
import { awsProvider, configureState, StateLocation } from "./stack-foundation";
import { stackTags } from "../conventions/names";

export interface BootstrapStackProps {
  readonly config: Config;
  readonly bootstrap: BootstrapConfig;
  readonly accountId: string;
  /** A region of the account's stacks (IAM is global; the provider needs one). */
  readonly region: string;
  /** The parts the account plays: the shared account's stack, workload stacks, or both. */
  readonly parts: { readonly shared: boolean; readonly workloads: boolean };
  readonly contract: AccessContract;
  readonly partition: string;
  readonly state: StateLocation;
}

/**
 * The CI roles of one account (the shared account, a workload account, or both), as code: golden-ami-plan and golden-ami-deploy (or the
 * ci_roles names) with the policies derived from the access contract. Applied by an administrator
 * of the account, once and after each contract change: it runs with the credentials it is given and
 * assumes no role, since the roles it makes are the ones the other stacks assume.
 */
export class BootstrapStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    const { config, bootstrap, accountId } = props;
    configureState(this, id, props.state);
    awsProvider(this, {
      region: props.region,
      accountId,
      sessionName: `golden-ami-${id}`,
      defaultTags: { ...config.tags, ...stackTags(id) },
    });
    const names = { plan: config.ci_roles?.plan_role_name ?? "golden-ami-plan", deploy: config.ci_roles?.deploy_role_name ?? "golden-ami-deploy" };
    const parts = {
      shared: props.parts.shared ? { accountId, partition: props.partition } : undefined,
      workload: props.parts.workloads ? { accountId, sharedAccountId: config.shared.account_id, partition: props.partition } : undefined,
    };
    const what = [props.parts.shared && "shared image pipeline", props.parts.workloads && "workload"].filter(Boolean).join(" and ");
    new CiAccessRole(this, "PlanRole", {
      roleName: names.plan,
      description: `Read-only plans of the golden AMI ${what} stacks (policy derived from docs/access)`,
      trustedBy: bootstrap.plan_trusted_by,
      policy: accountRolePolicy(props.contract, "plan", parts),
    });
    new CiAccessRole(this, "DeployRole", {
      roleName: names.deploy,
      description: `Applies of the golden AMI ${what} stacks (policy derived from docs/access)`,
      trustedBy: bootstrap.deploy_trusted_by,
      policy: accountRolePolicy(props.contract, "deploy", parts),
    });
  }
}
