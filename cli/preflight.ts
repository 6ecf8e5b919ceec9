// golden-ami preflight: the first command to run in a new organization. Asks AWS itself, with the plan
// roles, what no emulator can answer; one line per problem and what to do, exit 1 if any.
import { Command } from "@commander-js/extra-typings";
import { GoldenAmiError } from "../conventions/errors";
import { CONFIG_OPTION_HELP, configPathOf, withExample } from "./program";
import { library } from "./library";

export function registerPreflight(program: Command): void {
  const command = program
    .command("preflight")
    .description("check in every account that the roles, the shared AMI key and service-linked roles are ready; exit 1 if not")
    .option("--config <file>", CONFIG_OPTION_HELP)
    .action(async (options) => {
      const { loadConfig } = library.configuration();
      const { readAccessContract } = library.rolePolicies();
      const { preflight, preflightLines } = library.preflight();
      const { config } = loadConfig(configPathOf(options.config), { enforceSupplyChain: false });
      const result = await preflight(config, readAccessContract());
      for (const line of preflightLines(result)) console.log(line);
      if (result.problems.length > 0) throw new GoldenAmiError(`${result.problems.length} of ${result.checks} checks found a problem (above)`);
      console.error(`preflight: ${result.checks} checks passed`);
    });
  withExample(command, "npx golden-ami preflight", "AWS_PROFILE=org-readonly npx golden-ami preflight --config config/production.yaml");
}
