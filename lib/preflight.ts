// golden-ami preflight: asks AWS, in every account the configuration names, what the emulator cannot
// answer, before the first plan: can each plan role be assumed; does AWS's own policy simulator allow
// each deploy role what the access contract says it needs; is the shared AMI key reachable and its
// grants listable from each workload region; does the Auto Scaling service-linked role exist where
// the stacks rely on it. Read-only: every call is made with the plan role.
import { GetRoleCommand, IAMClient, SimulatePrincipalPolicyCommand } from "@aws-sdk/client-iam";
import { DescribeKeyCommand, KMSClient, ListGrantsCommand } from "@aws-sdk/client-kms";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { SHARED_STACK_NAME } from "../conventions/names";
import { partitionOf } from "../config/roles";
import type { Config } from "../config/schema";
import { AccessTarget, AwsAccess, stackTarget } from "./aws-access";
import { AccessContract, workloadRolePolicy } from "../access/role-policies";

export interface PreflightProblem {
  /** The account (and region) the problem is in. */
  readonly where: string;
  readonly problem: string;
  /** What to do about it. */
  readonly fix: string;
}

export interface PreflightResult {
  readonly problems: ReadonlyArray<PreflightProblem>;
  /** How many checks ran. */
  readonly checks: number;
}

const SERVICE_LINKED_ROLE_NAME = "AWSServiceRoleForAutoScaling";

const errorText = (error: unknown) => {
  const e = error as { name?: string; message?: string };
  return `${e.name ?? "Error"}: ${(e.message ?? String(error)).split("\n")[0]}`;
};

/** Runs every check; a failing check is a problem, never an exception. */
export async function preflight(config: Config, contract: AccessContract, access = new AwsAccess("preflight")): Promise<PreflightResult> {
  const run = new Checks(config, access);
  await run.canAssume(stackTarget(config, SHARED_STACK_NAME, "plan"));
  const accounts = new Map<string, Config["workloads"]>();
  for (const w of config.workloads) accounts.set(w.account_id, [...(accounts.get(w.account_id) ?? []), w]);
  for (const [accountId, workloads] of accounts) {
    const plan = stackTarget(config, workloads[0].name, "plan");
    if (!(await run.canAssume(plan))) continue;
    const iam = access.client(IAMClient, plan);
    await run.serviceLinkedRole(accountId, workloads, iam);
    await run.deployRoleAllowed(accountId, workloads, iam, contract);
    if (config.ami_encryption.enabled) for (const region of [...new Set(workloads.map((w) => w.region))]) await run.sharedKeyReachable(accountId, region, plan);
  }
  return { problems: run.problems, checks: run.count };
}

/** The checks of one preflight run, and what they found. */
class Checks {
  readonly problems: PreflightProblem[] = [];
  count = 0;
  private readonly partition: string;
  private readonly assumable = new Map<string, boolean>();

  constructor(
    private readonly config: Config,
    private readonly access: AwsAccess,
  ) {
    this.partition = partitionOf(config.organization.arn);
  }

  /** Runs one check: a problem it returns or an error it throws is recorded with where and the fix. */
  private async check(where: string, fix: string, body: () => Promise<string | undefined>): Promise<boolean> {
    this.count++;
    try {
      const problem = await body();
      if (problem) this.problems.push({ where, problem, fix });
      return problem === undefined;
    } catch (error) {
      this.problems.push({ where, problem: errorText(error), fix });
      return false;
    }
  }

  /** The plan role of a stack can be assumed (or the environment's credentials are used); checked once per role. */
  async canAssume(target: AccessTarget): Promise<boolean> {
    const key = target.roleArn ?? `environment@${target.accountId}`;
    if (!this.assumable.has(key)) {
      const passed = await this.check(
        `account ${target.accountId}`,
        `create ${target.roleArn ?? "the role"} and let the CI plan role assume it (docs/ci-roles.md; docs/access-contract.md, "Bootstrapping an account")`,
        async () => {
          const { Account } = await this.access.client(STSClient, target).send(new GetCallerIdentityCommand({}));
          return Account && target.accountId && Account !== target.accountId
            ? `the plan credentials act in account ${Account}, not ${target.accountId}`
            : undefined;
        },
      );
      this.assumable.set(key, passed);
    }
    return this.assumable.get(key)!;
  }

  /** With an encrypted AMI, the KMS grant names the Auto Scaling service-linked role: it must exist where no stack creates it. */
  async serviceLinkedRole(accountId: string, workloads: Config["workloads"], iam: IAMClient): Promise<void> {
    const needsExistingRole =
      this.config.ami_encryption.enabled && workloads.some((w) => w.auto_scaling.enabled && w.auto_scaling.service_linked_role === "existing");
    if (!needsExistingRole || workloads.some((w) => w.auto_scaling.service_linked_role === "create")) return;
    await this.check(
      `account ${accountId}`,
      `set auto_scaling.service_linked_role: create on one workload of account ${accountId} (${workloads.map((w) => w.name).join(", ")})`,
      async () => {
        try {
          await iam.send(new GetRoleCommand({ RoleName: SERVICE_LINKED_ROLE_NAME }));
          return undefined;
        } catch (error) {
          if ((error as { name?: string }).name === "NoSuchEntityException" || (error as { name?: string }).name === "NoSuchEntity")
            return `${SERVICE_LINKED_ROLE_NAME} does not exist: the KMS grant that names it would fail`;
          throw error;
        }
      },
    );
  }

  /** AWS's own policy simulator allows the deploy role every call the access contract says it needs. */
  async deployRoleAllowed(accountId: string, workloads: Config["workloads"], iam: IAMClient, contract: AccessContract): Promise<void> {
    const deploy = stackTarget(this.config, workloads[0].name, "deploy");
    if (!deploy.roleArn) return;
    await this.check(
      `account ${accountId}`,
      `attach the policy of \`golden-ami access-policy --role deploy\` to ${deploy.roleArn} (or apply its bootstrap stack)`,
      async () => {
        const expected = workloadRolePolicy(contract, "deploy", { accountId, sharedAccountId: this.config.shared.account_id, partition: this.partition });
        const denied: string[] = [];
        for (const request of simulationRequests(expected, workloads[0].region)) {
          const { EvaluationResults = [] } = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: deploy.roleArn, ...request }));
          denied.push(...EvaluationResults.filter((r) => r.EvalDecision !== "allowed").map((r) => `${r.EvalActionName} (${r.EvalDecision})`));
        }
        return denied.length > 0 ? `AWS's policy simulator denies ${deploy.roleArn}: ${denied.join(", ")}` : undefined;
      },
    );
  }

  /** The shared AMI key (its replica in the region) describes itself and lists its grants to the workload's plan role. */
  async sharedKeyReachable(accountId: string, region: string, plan: AccessTarget): Promise<void> {
    const keyArn = `arn:${this.partition}:kms:${region}:${this.config.shared.account_id}:alias/${this.config.ami_encryption.key_alias}`;
    await this.check(
      `account ${accountId}, ${region}`,
      `apply the shared stack (the key and its replica in ${region}), and check its key policy names the organization`,
      async () => {
        const kms = this.access.client(KMSClient, { ...plan, region });
        const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: keyArn }));
        if (!KeyMetadata?.Arn) return `the shared AMI key ${keyArn} did not describe itself`;
        await kms.send(new ListGrantsCommand({ KeyId: KeyMetadata.Arn, Limit: 1 }));
        return undefined;
      },
    );
  }
}

interface PolicyStatement {
  readonly Action: ReadonlyArray<string>;
  readonly Resource: string;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * What to ask AWS's simulator: each statement of the role's expected policy, on a resource it scopes
 * to and with the context its condition names. A simulation of "*" against a statement scoped to some
 * resources, or one without the condition's key, is an implicit deny (IAM API reference,
 * SimulatePrincipalPolicy: ResourceArns defaults to "*"; ContextEntries supplies condition keys).
 * KMS is left out: the shared key's own policy decides there, and preflight checks it by using the key.
 */
export function simulationRequests(policy: { readonly Statement: ReadonlyArray<unknown> }, region: string) {
  return (policy.Statement as PolicyStatement[])
    .map((statement) => ({ ...statement, Action: statement.Action.filter((action) => !action.startsWith("kms:")) }))
    .filter((statement) => statement.Action.length > 0)
    .map((statement) => ({
      ActionNames: [...statement.Action],
      ResourceArns: statement.Resource === "*" ? undefined : [statement.Resource.replace(/:\*:/g, `:${region}:`).replace(/\*$/, "golden-ami-preflight")],
      ContextEntries: Object.values(statement.Condition ?? {}).flatMap((keys) =>
        Object.entries(keys).map(([ContextKeyName, value]) => ({ ContextKeyName, ContextKeyValues: [value], ContextKeyType: "string" as const })),
      ),
    }));
}

/** One line per problem: where, what, what to do. */
export function preflightLines(result: PreflightResult): string[] {
  return result.problems.map((p) => `${p.where}: ${p.problem}. Fix: ${p.fix}`);
}
