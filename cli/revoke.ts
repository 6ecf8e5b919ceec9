// golden-ami revoke: withdraw an AMI. Recorded in Git (latest lookups skip it, pins and channels on it
// fail the plan with the reason) and, with --deprecate, deprecated in the shared account.
import { Command, InvalidArgumentError } from "@commander-js/extra-typings";
import { CommandFailed, CONFIG_OPTION_HELP, configPathOf, EXIT_USAGE, withExample } from "./program";

const amiId = (value: string) => {
  if (!/^ami-[0-9a-f]{8,17}$/.test(value)) throw new InvalidArgumentError(`expected an AMI id such as ami-0123456789abcdef0, got "${value}"`);
  return value;
};

const reason = (value: string) => {
  if (value.trim().length < 10) throw new InvalidArgumentError(`expected at least 10 characters saying why (a CVE, a ticket, what breaks), got "${value}"`);
  return value;
};

export function registerRevoke(program: Command): void {
  const command = program
    .command("revoke")
    .description("record an AMI as revoked (and, with --deprecate, deprecate it in the shared account)")
    .argument("<ami-id>", "the AMI to withdraw", amiId)
    .option("--reason <text>", "why: a CVE, a ticket, what breaks (required, at least 10 characters)", reason)
    .option("--image <name>", "the image it belongs to (default: found from the AMI's name in the shared account)")
    .option("--deprecate", "also deprecate the AMI in the shared account now (needs credentials there)")
    .option("--config <file>", CONFIG_OPTION_HELP)
    .action(async (ami, options, cmd) => {
      if (!options.reason) cmd.error("revoke: missing --reason", { exitCode: EXIT_USAGE });
      const { displayPath, loadConfig } = require("../config/load") as typeof import("../config/load");
      const { withSupplyChainLock } = require("../config/supply-chain") as typeof import("../config/supply-chain");
      const { revoke, RevocationRefused } = require("../lib/revoke") as typeof import("../lib/revoke");
      const configPath = configPathOf(options.config);
      // Read, decide and write under the lock: a concurrent promote or revoke waits, and loses nothing.
      const result = await withSupplyChainLock(configPath, async () => {
        const loaded = loadConfig(configPath, { enforceSupplyChain: false });
        const images = loaded.config.images.map((i) => i.name);
        if (options.image !== undefined && !images.includes(options.image))
          cmd.error(`option '--image <name>' argument '${options.image}' is invalid. expected one of ${images.join(", ")}`, {
            exitCode: EXIT_USAGE,
          });
        try {
          return await revoke(loaded, { amiId: ami, reason: options.reason!, image: options.image, deprecate: options.deprecate ?? false, now: new Date() });
        } catch (error) {
          if (error instanceof RevocationRefused) throw new CommandFailed(error.message);
          throw error;
        }
      });
      const file = displayPath(result.file);
      if (result.unchecked) console.error(`warning: could not check that ${ami} exists in the shared account (${result.unchecked}); recorded as given`);
      console.error(
        result.recorded
          ? `recorded ${ami} (${result.image}) as revoked in ${file}: review and merge it`
          : `${ami} is already revoked in ${file}; nothing changed`,
      );
      if (result.deprecated) console.error(`deprecated ${ami} in the shared account`);
      for (const s of result.stranded) console.error(`${s.workload} ${s.via}: its plan now fails until it moves to another AMI`);
    });
  withExample(command, 'npx golden-ami revoke ami-0123456789abcdef0 --reason "CVE-2026-1234 in openssl" --deprecate');
}
