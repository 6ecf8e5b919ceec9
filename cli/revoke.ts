// golden-ami revoke: withdraw an AMI. Recorded in Git (latest lookups skip it, pins and channels on it
// fail the plan with the reason) and, with --deprecate, deprecated in the shared account.
import { Command, InvalidArgumentError } from "@commander-js/extra-typings";
import { CommandFailed, CONFIG_OPTION_HELP, configPathOf, withExample } from "./program";

export function registerRevoke(program: Command): void {
  const command = program
    .command("revoke")
    .description("record an AMI as revoked (and, with --deprecate, deprecate it in the shared account)")
    .argument("<ami-id>", "the AMI to withdraw", (value) => {
      if (!/^ami-[0-9a-f]{8,17}$/.test(value)) throw new InvalidArgumentError(`expected an AMI id such as ami-0123456789abcdef0, got "${value}"`);
      return value;
    })
    .option("--reason <text>", "why: a CVE, a ticket, what breaks (required, at least 10 characters)")
    .option("--image <name>", "the image it belongs to (default: found from the AMI's name in the shared account)")
    .option("--deprecate", "also deprecate the AMI in the shared account now (needs credentials there)")
    .option("--config <file>", CONFIG_OPTION_HELP)
    .action(async (amiId, options, cmd) => {
      if (!options.reason) cmd.error("revoke: missing --reason", { exitCode: 2 });
      const reason = options.reason!;
      if (reason.trim().length < 10) throw new CommandFailed(`--reason: got "${reason}", expected at least 10 characters saying why`);
      const { DescribeImagesCommand, EnableImageDeprecationCommand } = require("@aws-sdk/client-ec2") as typeof import("@aws-sdk/client-ec2");
      const { displayPath, loadConfig } = require("../config/load") as typeof import("../config/load");
      const { revocationsPath, writeRevocations } = require("../config/supply-chain") as typeof import("../config/supply-chain");
      const { amiNameRegex } = require("../constructs/ami-conventions") as typeof import("../constructs/ami-conventions");
      const { SHARED_STACK_NAME } = require("../config/conventions") as typeof import("../config/conventions");
      const { AwsAccess, stackTarget } = require("../lib/aws-access") as typeof import("../lib/aws-access");
      const loaded = loadConfig(configPathOf(options.config), { enforceSupplyChain: false });
      const { config } = loaded;
      // Deprecation changes the shared account: its deploy role, which may also describe the AMI.
      const access = new AwsAccess("revoke");
      const ec2 = () => access.ec2(stackTarget(config, SHARED_STACK_NAME, "deploy"));
      let image = options.image;
      if (!image) {
        const { Images = [] } = await ec2().send(new DescribeImagesCommand({ ImageIds: [amiId], Owners: [config.shared.account_id], IncludeDeprecated: true }));
        image = config.images.find((i) => Images[0]?.Name && new RegExp(amiNameRegex(i.name)).test(Images[0].Name))?.name;
        if (!image) throw new CommandFailed(`cannot tell which image ${amiId} belongs to; pass --image`);
      }
      if (!config.images.some((i) => i.name === image))
        throw new CommandFailed(`--image: got "${image}", expected one of ${config.images.map((i) => i.name).join(", ")}`);
      const file = revocationsPath(loaded.configPath);
      if (loaded.revocations.some((r) => r.ami_id === amiId)) {
        console.error(`${amiId} is already revoked in ${displayPath(file)}; nothing changed`);
      } else {
        writeRevocations(file, [
          ...loaded.revocations,
          { ami_id: amiId, image, reason: reason.trim(), revoked_at: new Date().toISOString().replace(/\.\d{3}Z$/, "Z") },
        ]);
        console.error(`recorded ${amiId} (${image}) as revoked in ${displayPath(file)}: review and merge it`);
      }
      if (options.deprecate) {
        // EC2 takes a deprecation time in the future; a minute from now is "now" for every lookup that follows.
        await ec2().send(new EnableImageDeprecationCommand({ ImageId: amiId, DeprecateAt: new Date(Date.now() + 60_000) }));
        console.error(`deprecated ${amiId} in account ${config.shared.account_id}`);
      }
      for (const w of config.workloads.filter((w) => w.image === image)) {
        const pinned = w.ami.source === "pinned" && w.ami.image_id === amiId;
        const channel = w.ami.source === "channel" && loaded.channels[image]?.[w.ami.channel]?.ami_id === amiId;
        if (pinned || channel)
          console.error(
            `${w.name} ${pinned ? "pins" : `follows channel ${w.ami.source === "channel" ? w.ami.channel : ""}, which serves`} it: its plan now fails until it moves to another AMI`,
          );
      }
    });
  withExample(command, 'npx golden-ami revoke ami-0123456789abcdef0 --reason "CVE-2026-1234 in openssl" --deprecate');
}
