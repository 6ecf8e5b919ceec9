// golden-ami access-policy: the least-privilege IAM policies of each account's plan and deploy roles
// (the shared account's and every workload account's), derived from the reviewed access contract
// (docs/access/), to attach instead of ReadOnlyAccess.
import { Command, Option } from "@commander-js/extra-typings";
import { CONFIG_OPTION_HELP, configPathOf, withExample } from "./program";
import { library } from "./library";

export function registerAccessPolicy(program: Command): void {
  const command = program
    .command("access-policy")
    .description("print the IAM policies of each account's plan and deploy roles (shared and workload accounts), from the access contract")
    .addOption(new Option("--role <role>", "only this role's policy").choices(["plan", "deploy"] as const))
    .option("--config <file>", CONFIG_OPTION_HELP)
    .action((options) => {
      const { loadConfig } = library.configuration();
      const { partitionOf } = library.roles();
      const { accountRolePolicy, readAccessContract } = library.rolePolicies();
      const { config } = loadConfig(configPathOf(options.config), { enforceSupplyChain: false });
      const contract = readAccessContract();
      const roles = options.role ? [options.role] : (["plan", "deploy"] as const);
      const workloadAccounts = new Set(config.workloads.map((w) => w.account_id));
      const accounts = [...new Set([config.shared.account_id, ...workloadAccounts])].sort();
      const partition = partitionOf(config.organization.arn);
      // The same policies the bootstrap stacks attach: the shared part, the workload part, or both.
      const policies = Object.fromEntries(
        accounts.map((accountId) => {
          const parts = {
            shared: accountId === config.shared.account_id ? { accountId, partition } : undefined,
            workload: workloadAccounts.has(accountId) ? { accountId, sharedAccountId: config.shared.account_id, partition } : undefined,
          };
          return [accountId, Object.fromEntries(roles.map((role) => [role, accountRolePolicy(contract, role, parts)]))];
        }),
      );
      console.log(JSON.stringify(policies, null, 2));
    });
  withExample(command, "npx golden-ami access-policy", "npx golden-ami access-policy --role plan | jq '.\"444455556666\".plan'");
}
