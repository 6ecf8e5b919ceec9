// What every golden-ami command shares: exit codes, error wording, option parsers.
import { Command, CommanderError, InvalidArgumentError } from "@commander-js/extra-typings";
import { existsSync, statSync } from "node:fs";
import { EXAMPLE_CONFIG } from "../config/paths";
import { parseShard } from "../lib/changed-stacks";
import { ConfigError } from "../config/problems";

/** Exit codes: 0 done, 1 the work failed, 2 the command line was wrong (as POSIX utilities do). */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure of the work itself, with a message for people; no stack trace is printed. */
export class CommandFailed extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
    this.name = "CommandFailed";
  }
}

export const DEFAULT_OUTDIR = "cdktf.out";

/** `--config`: the configuration file, from AMI_PIPELINE_CONFIG when not given (as main.ts reads it). */
export const CONFIG_OPTION_HELP = "configuration file (default: $AMI_PIPELINE_CONFIG, else config/example.yaml)";

/** The configuration a command reads: --config, else $AMI_PIPELINE_CONFIG (as main.ts reads it), else the example. */
export function configPathOf(option: string | undefined): string {
  const path = option ?? process.env.AMI_PIPELINE_CONFIG ?? EXAMPLE_CONFIG;
  if (!existsSync(path) || !statSync(path).isFile()) {
    const given = option !== undefined ? "option '--config <file>' argument" : "environment variable AMI_PIPELINE_CONFIG";
    throw new CommandFailed(`${given} '${path}' is invalid. expected a configuration file`, EXIT_USAGE);
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

/** A usage error (exit 2) naming every asked-for stack that is not among the known ones. */
export function refuseUnknownStacks(
  cmd: { error(message: string, options: { exitCode: number }): void },
  asked: ReadonlyArray<string>,
  known: ReadonlyArray<string>,
  what = "stack",
): void {
  const unknown = asked.filter((name) => !known.includes(name));
  if (unknown.length > 0) cmd.error(`unknown ${what} ${unknown.map((s) => `"${s}"`).join(", ")}; ${what}s are ${known.join(", ")}`, { exitCode: EXIT_USAGE });
}

/** Adds `Example:` to a command's --help. */
export function withExample(command: { addHelpText(position: "after", text: string): unknown }, ...examples: string[]): void {
  command.addHelpText("after", `\nExample${examples.length > 1 ? "s" : ""}:\n${examples.map((e) => `  $ ${e}`).join("\n")}`);
}

/**
 * Runs the program: usage errors are one line and exit 2, failures of the work a message and exit 1,
 * unexpected errors their message (the stack only with GOLDEN_AMI_DEBUG=1).
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
    if (error instanceof ConfigError) {
      console.error(`golden-ami: invalid configuration, nothing done.\n${error.message}`);
      return EXIT_FAILURE;
    }
    if (error instanceof CommandFailed) {
      console.error(`golden-ami: ${error.message}`);
      return error.exitCode;
    }
    const detail = process.env.GOLDEN_AMI_DEBUG === "1" && error instanceof Error ? error.stack : undefined;
    console.error(`golden-ami: ${error instanceof Error ? error.message : String(error)}${detail ? `\n${detail}` : ""}`);
    return EXIT_FAILURE;
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
