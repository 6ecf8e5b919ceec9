// golden-ami stacks: the stack names of a configuration, for CI matrices and scripts.
import { Command, Option } from "@commander-js/extra-typings";
import { shardOf } from "../lib/changed-stacks";
import { byStackOrder } from "../lib/plan-report/read-plans";
import { EXIT_USAGE } from "../conventions/errors";
import { CONFIG_OPTION_HELP, configPathOf, shardOption, withExample } from "./program";
import { SHARED_STACK_NAME } from "../conventions/names";
import { library } from "./library";

export function registerStacks(program: Command): void {
  const command = program
    .command("stacks")
    .description("list stack names for CI (shared, workloads, one environment)")
    .option("--config <file>", CONFIG_OPTION_HELP)
    .addOption(new Option("--role <role>", "which stacks").choices(["shared", "workload", "all"] as const).default("workload" as const))
    .option("--environment <name>", "only workloads of this environment")
    .addOption(new Option("--shard <i/n>", "only shard i of n: every n-th stack, as `golden-ami plan --shard` plans them").argParser(shardOption))
    .option("--json", "print a JSON array of {stack, role, environment, account, region}")
    .action((options, cmd) => {
      const { loadConfig } = library.configuration();
      const { config } = loadConfig(configPathOf(options.config));
      const shared = { stack: SHARED_STACK_NAME, role: "shared", environment: null, account: config.shared.account_id, region: config.shared.region };
      const workloads = config.workloads
        .filter((w) => !options.environment || w.environment === options.environment)
        .map((w) => ({ stack: w.name, role: "workload", environment: w.environment, account: w.account_id, region: w.region }));
      const chosen = byStackOrder(options.role === "shared" ? [shared] : options.role === "workload" ? workloads : [shared, ...workloads], (row) => row.stack);
      const rows = options.shard ? shardOf(chosen, options.shard.index, options.shard.total) : chosen;
      // A selector that matches nothing is a mistake (a typo, a renamed environment): a CI job driven by
      // an empty list would plan nothing and pass. An empty shard is not one: a matrix has a fixed width.
      const environments = [...new Set(config.workloads.map((w) => w.environment))].sort();
      if (options.environment !== undefined && !environments.includes(options.environment)) {
        cmd.error(`stacks --environment ${options.environment} matches no workload; environments are ${environments.join(", ") || "(none: no workloads)"}`, {
          exitCode: EXIT_USAGE,
        });
      }
      if (chosen.length === 0) {
        cmd.error(`stacks --role ${options.role} matches no stack: the configuration has no workloads; use --role shared or all`, { exitCode: EXIT_USAGE });
      }
      console.log(options.json ? JSON.stringify(rows) : rows.map((r) => r.stack).join(" "));
    });
  withExample(command, "npx golden-ami stacks --environment production", "npx golden-ami stacks --role all --json --shard 2/3");
}
