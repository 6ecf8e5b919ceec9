// golden-ami revoke: withdraw a build (every region's copy of an AMI). Recorded in Git (latest lookups
// skip it, pins and channels on it fail the plan with the reason) and, with --deprecate or --disable,
// deprecated or disabled in every region of the shared account.
import { Command, InvalidArgumentError } from "@commander-js/extra-typings";
import type { RevokeResult } from "../lib/revoke";
import { EXIT_USAGE } from "../conventions/errors";
import { CONFIG_OPTION_HELP, configPathOf, withExample } from "./program";
import { library } from "./library";

const amiId = (value: string) => {
  if (!/^ami-[0-9a-f]{8,17}$/.test(value)) throw new InvalidArgumentError(`expected an AMI id such as ami-0123456789abcdef0, got "${value}"`);
  return value;
};

const reason = (value: string) => {
  if (value.trim().length < 10) throw new InvalidArgumentError(`expected at least 10 characters saying why (a CVE, a ticket, what breaks), got "${value}"`);
  return value;
};

/** What the revocation did, for people: the record, each copy acted on, and the workloads it strands. */
function revocationLines(result: RevokeResult, ami: string, file: string): string[] {
  const copies = result.copies.map((c) => `${c.amiId} in ${c.region}`).join(", ");
  return [
    ...(result.unchecked ? [`warning: could not read ${ami} in the shared account (${result.unchecked}); recorded build ${result.amiName} as given`] : []),
    result.recorded
      ? `recorded build ${result.amiName} (${result.image}) as revoked in ${file}: review and merge it`
      : `build ${result.amiName} is already revoked in ${file}; nothing changed`,
    ...(result.deprecated ? [`deprecated ${copies}`] : []),
    ...(result.disabled
      ? [
          `DISABLED ${copies}: no account can launch them now. Until the groups below move to another AMI, scale-out and instance replacement fail.`,
          `Undo with EnableImage on each copy, then share it again (DisableImage removed its launch permissions): cdktf apply of the shared stack does not.`,
        ]
      : []),
    ...result.stranded.map((s) => `${s.workload} ${s.via}: its plan now fails until it moves to another AMI`),
  ];
}

export function registerRevoke(program: Command): void {
  const command = program
    .command("revoke")
    .description("record an AMI's build as revoked in every region (and, with --deprecate or --disable, act on every copy)")
    .argument("<ami-id>", "the AMI to withdraw (any region's copy of the build)", amiId)
    .option("--reason <text>", "why: a CVE, a ticket, what breaks (required, at least 10 characters)", reason)
    .option("--image <name>", "the image it belongs to (default: found from the AMI's name in the shared account)")
    .option("--ami-name <name>", "the build's AMI name: records it without reading AWS (when the shared account cannot be read)")
    .option("--deprecate", "also deprecate every copy now: lookups stop finding it, launches by id go on (shared account's deploy role)")
    .option(
      "--disable",
      "emergency: also disable every copy now: no new launch anywhere, so scale-out and replacement of groups on it FAIL (shared account's deploy role)",
    )
    .option("--config <file>", CONFIG_OPTION_HELP)
    .action(async (ami, options, cmd) => {
      if (!options.reason) cmd.error("revoke: missing --reason", { exitCode: EXIT_USAGE });
      const { displayPath, loadConfig } = library.configuration();
      const { withDataFileLock } = library.dataFiles();
      const { revoke } = library.revoke();
      const configPath = configPathOf(options.config);
      // Read, decide and write under the lock: a concurrent promote or revoke waits, and loses nothing.
      const result = await withDataFileLock(configPath, async () => {
        const loaded = loadConfig(configPath, { enforceSupplyChain: false });
        const images = loaded.config.images.map((i) => i.name);
        if (options.image !== undefined && !images.includes(options.image))
          cmd.error(`option '--image <name>' argument '${options.image}' is invalid. expected one of ${images.join(", ")}`, {
            exitCode: EXIT_USAGE,
          });
        return revoke(loaded, {
          amiId: ami,
          reason: options.reason!,
          image: options.image,
          amiName: options.amiName,
          deprecate: options.deprecate ?? false,
          disable: options.disable ?? false,
          now: new Date(),
        });
      });
      for (const line of revocationLines(result, ami, displayPath(result.file))) console.error(line);
    });
  withExample(command, 'npx golden-ami revoke ami-0123456789abcdef0 --reason "CVE-2026-1234 in openssl" --deprecate');
}
