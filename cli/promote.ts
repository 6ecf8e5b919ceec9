// golden-ami promote: a channel takes what an environment (or channel) runs; the change is a file to review.
import { Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { EXIT_USAGE } from "../conventions/errors";
import { CONFIG_OPTION_HELP, configPathOf, withExample, environment } from "./program";
import { library } from "./library";

const hours = (value: string) => {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError(`expected hours such as 24, got "${value}"`);
  return Number(value);
};

export function registerPromote(program: Command): void {
  const command = program
    .command("promote")
    .description("make a channel serve the AMI an environment (or another channel) runs, after its soak time")
    .option("--image <name>", "the image (required)")
    .option("--from <environment|channel>", "where the AMI runs now: a workload environment or a channel (required)")
    .option("--to <channel>", "the channel that takes it (required)")
    .option("--config <file>", CONFIG_OPTION_HELP)
    .option("--state-dir <dir>", "local state directory (default: $AMI_PIPELINE_STATE_DIR, else the working directory)")
    .addOption(new Option("--soak-hours <n>", "override promotion.soak_hours for this promotion").argParser(hours))
    .option("--json", "print the new channel entry as JSON")
    .action(async (options, cmd) => {
      // Checked here, not as commander's required options: an unknown option is then reported first.
      const missing = (["image", "from", "to"] as const).filter((name) => !options[name]);
      if (missing.length > 0) cmd.error(`promote: missing ${missing.map((m) => `--${m}`).join(", ")}`, { exitCode: EXIT_USAGE });
      const { image, from, to } = options as { image: string; from: string; to: string };
      const { displayPath, loadConfig } = library.configuration();
      const { CHANNEL_NAME, channelsPath, writeChannels } = library.supplyChain();
      const { promote } = library.promote();
      const { withDataFileLock } = library.dataFiles();
      if (!CHANNEL_NAME.test(to)) {
        cmd.error(
          `option '--to <channel>' argument '${to}' is invalid. expected a channel name: a lowercase letter, then up to 31 lowercase letters, digits or dashes`,
          {
            exitCode: EXIT_USAGE,
          },
        );
      }
      const configPath = configPathOf(options.config);
      const { commit } = environment();
      // Read, decide and write under the lock: a revoke running at the same time comes before or after, never between.
      await withDataFileLock(configPath, async () => {
        const loaded = loadConfig(configPath, { enforceSupplyChain: false });
        const result = await promote(loaded.config, loaded.channels, loaded.revocations, {
          image,
          from,
          to,
          soakHours: options.soakHours ?? loaded.config.promotion.soak_hours,
          now: new Date(),
          commit,
          stateDir: options.stateDir ?? environment().stateDir,
        });
        const file = channelsPath(loaded.configPath);
        if (!result.unchanged) writeChannels(file, result.channels);
        if (options.json) console.log(JSON.stringify(result.entry));
        console.error(
          result.unchanged
            ? `${to} already serves ${result.entry.ami_id} (${result.entry.ami_name}); nothing changed`
            : `${to} now serves ${result.entry.ami_id} (${result.entry.ami_name}) from ${from}: review and merge the change to ${displayPath(file)}`,
        );
      });
    });
  withExample(command, "npx golden-ami promote --image sample --from staging --to production");
}
