// What every golden-ami command shares: the top level that prints errors, option parsers, help text.
import { Command, CommanderError, InvalidArgumentError } from "@commander-js/extra-typings";
import { existsSync, statSync } from "node:fs";
import { EXAMPLE_CONFIG } from "../config/paths";
import { EXIT_FAILURE, EXIT_USAGE, GoldenAmiError, UsageError } from "../conventions/errors";
import type { GoldenAmiEnvironment } from "../config/environment";
import { parseShard } from "../lib/changed-stacks";
import { library } from "./library";

export const DEFAULT_OUTDIR = "cdktf.out";

/** `--config`: the configuration file, from AMI_PIPELINE_CONFIG when not given (as main.ts reads it). */
export const CONFIG_OPTION_HELP = "configuration file (default: $AMI_PIPELINE_CONFIG, else config/example.yaml)";

/** The environment, read and checked (config/environment.ts) when a command first needs it. */
export function environment(): GoldenAmiEnvironment {
  return library.environment().readEnvironment();
}

/** The configuration a command reads: --config, else $AMI_PIPELINE_CONFIG (as main.ts reads it), else the example. */
export function configPathOf(option: string | undefined): string {
  const path = option ?? environment().configPath ?? EXAMPLE_CONFIG;
  if (!existsSync(path) || !statSync(path).isFile()) {
    const given = option !== undefined ? "option '--config <file>' argument" : "environment variable AMI_PIPELINE_CONFIG";
    throw new UsageError(`${given} '${path}' is invalid. expected a configuration file`);
  }
  return path;
}

/** `--shard <i/n>`: parsed by the one shard rule (lib/changed-stacks), a wrong value a usage error. */
export function shardOption(value: string): { index: number; total: number } {
  try {
    return parseShard(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export function positiveInteger(value: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return Number(value);
}

/** Adds `Example:` to a command's --help. */
export function withExample(command: { addHelpText(position: "after", text: string): unknown }, ...examples: string[]): void {
  command.addHelpText("after", `\nExample${examples.length > 1 ? "s" : ""}:\n${examples.map((e) => `  $ ${e}`).join("\n")}`);
}

/**
 * Runs the program: usage errors are one line and exit 2; a GoldenAmiError (conventions/errors.ts),
 * thrown wherever the work found it, its summary and exit code; unexpected errors their message and
 * exit 1 (the stack only with GOLDEN_AMI_DEBUG=1).
 */
export async function runProgram(program: Command, argv: ReadonlyArray<string>): Promise<number> {
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its one line (or the help); only the exit code is ours.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof GoldenAmiError) {
      console.error(`golden-ami: ${error.summary()}`);
      return error.exitCode;
    }
    const detail = debugRequested() && error instanceof Error ? error.stack : undefined;
    console.error(`golden-ami: ${error instanceof Error ? error.message : String(error)}${detail ? `\n${detail}` : ""}`);
    return EXIT_FAILURE;
  }
}

/** GOLDEN_AMI_DEBUG=1; a wrong environment here is not a second error (the command that reads it says so). */
function debugRequested(): boolean {
  try {
    return environment().debug;
  } catch {
    return false;
  }
}

/** The root command; subcommands created with `.command()` inherit its error handling. */
export function rootCommand(): Command {
  return new Command("golden-ami")
    .description(
      "Golden AMIs on AWS: plan and apply every stack and report the plans; keep recipes, channels and revocations; " +
        "see which AMI each workload runs; derive and check the CI roles' access. One line per command below.",
    )
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (text, write) => write(`golden-ami: ${text.replace(/^error: /, "")}`) })
    .helpCommand(false)
    .addHelpText("after", "\nRun `golden-ami <command> --help` for a command's options and an example.");
}
