// golden-ami build: start an image's pipeline in the shared account and wait for its AMIs.
import { Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import type { BuildOutcome } from "../lib/build";
import { EXIT_FAILURE, EXIT_INTERRUPTED, GoldenAmiError } from "../conventions/errors";
import { CONFIG_OPTION_HELP, configPathOf, withExample } from "./program";
import { library } from "./library";

/** `--timeout`: a number with s, m or h (90m, 2h); a bare number is minutes. */
export function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)([smh]?)$/.exec(value);
  if (!match || Number(match[1]) <= 0) throw new InvalidArgumentError(`expected a duration such as 90m, 2h or 600s, got "${value}"`);
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[(match[2] || "m") as "s" | "m" | "h"];
}

const clock = (ms: number) => {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
};

/** The AMIs of a build, one line per region. */
function amiTable(outcome: BuildOutcome): string {
  const widths = [Math.max(6, ...outcome.amis.map((a) => a.region.length)), Math.max(6, ...outcome.amis.map((a) => a.imageId.length))];
  return [["region", "AMI", "name"], ...outcome.amis.map((a) => [a.region, a.imageId, a.name])]
    .map(([region, id, name]) => `${region.padEnd(widths[0])}  ${id.padEnd(widths[1])}  ${name}`)
    .join("\n");
}

/** What a build came to, for people; a build that did not end AVAILABLE (or still runs) is an error. */
function report(outcome: BuildOutcome, how: { imageName: string; wait: boolean; json: boolean; interrupted: boolean; timeoutMs: number }): void {
  const watch = `npx golden-ami build ${how.imageName} --attach`;
  if (!how.wait) return void console.error(`started ${outcome.imageBuildVersionArn}; follow it with ${watch}`);
  if (outcome.stillRunning) {
    const why = how.interrupted ? "interrupted" : `still ${outcome.status} after ${clock(how.timeoutMs)}`;
    throw new GoldenAmiError(`${why}: the build keeps running (${outcome.imageBuildVersionArn}); follow it with ${watch}`, {
      exitCode: how.interrupted ? EXIT_INTERRUPTED : EXIT_FAILURE,
    });
  }
  if (outcome.status !== "AVAILABLE")
    throw new GoldenAmiError(`the build ${outcome.imageBuildVersionArn} ended ${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ""}`);
  if (!how.json) console.log(amiTable(outcome));
  console.error(`${outcome.imageBuildVersionArn} is AVAILABLE in ${outcome.amis.length} region(s)`);
}

export function registerBuild(program: Command): void {
  const command = program
    .command("build")
    .description("run an image's pipeline in the shared account; with --wait, follow the build and print each region's AMI")
    .argument("<image>", "the image, as the configuration names it")
    .option("--region <region>", "print only this distribution region's AMI")
    .option("--wait", "wait for the build to end (AVAILABLE: exit 0; FAILED or CANCELLED: exit 1)")
    .option("--attach", "follow the build that is running instead of starting one (implies --wait)")
    .option("--force", "start a build even while one runs")
    .addOption(
      new Option("--timeout <duration>", "stop waiting after this long; the build keeps running (90m, 2h, 600s)")
        .argParser(duration)
        .default(90 * 60_000, "90m"),
    )
    .option("--json", "print the outcome as JSON: image, imageBuildVersionArn, status, reason, amis [{region, imageId, name}]")
    .option("--config <file>", CONFIG_OPTION_HELP)
    .action(async (imageName, options) => {
      const { buildImage, imageToBuild } = library.build();
      const { config } = library.configuration().loadConfig(configPathOf(options.config), { enforceSupplyChain: false });
      const image = imageToBuild(config, imageName, options.region);
      const wait = Boolean(options.wait || options.attach);
      const live = process.stderr.isTTY === true;
      // Ctrl-C stops the waiting, never the build.
      const interrupt = new AbortController();
      const onSigint = () => interrupt.abort();
      if (wait) process.once("SIGINT", onSigint);
      let outcome: BuildOutcome;
      try {
        outcome = await buildImage(config, image, {
          force: options.force,
          attach: options.attach,
          wait,
          timeoutMs: options.timeout,
          region: options.region,
          signal: interrupt.signal,
          onStatus: (status, elapsed) => process.stderr.write(`${live ? "\r\x1b[2K" : ""}${clock(elapsed).padStart(6)}  ${status}\n`),
        });
      } finally {
        process.removeListener("SIGINT", onSigint);
      }
      if (options.json) console.log(JSON.stringify(outcome));
      report(outcome, { imageName, wait, json: options.json === true, interrupted: interrupt.signal.aborted, timeoutMs: options.timeout });
    });
  withExample(command, "npx golden-ami build sample --wait", "npx golden-ami build sample --wait --json --region eu-west-1 | jq -r '.amis[0].imageId'");
}
