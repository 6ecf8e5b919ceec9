// docs/cli.md: every golden-ami command's --help, generated from the program itself so it cannot
// drift (`npm run docs:cli` writes it; __tests__/unit/cli-reference.test.ts fails when it is stale).
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { goldenAmiProgram } from "../cli/golden-ami";

export const CLI_REFERENCE = join(__dirname, "..", "docs", "cli.md");

/** The reference: the root help, then each command's, at a fixed width (a terminal's would vary). */
export function cliReference(): string {
  const program = goldenAmiProgram();
  // outputHelp, not helpInformation: the examples are help text added after it.
  const help = (command: CommandUnknownOpts) => {
    let text = "";
    command.configureHelp({ helpWidth: 100 });
    command.configureOutput({ writeOut: (chunk) => (text += chunk) });
    command.outputHelp();
    return text.trimEnd();
  };
  const sections = program.commands.map((command) => `## golden-ami ${command.name()}\n\n\`\`\`\n${help(command)}\n\`\`\``);
  return [
    "# golden-ami command reference",
    "",
    "Generated from the program (`npm run docs:cli`); a test fails when it is stale. Every command",
    "answers `--help` with the same text.",
    "",
    "```",
    help(program),
    "```",
    "",
    sections.join("\n\n"),
    "",
  ].join("\n");
}

if (require.main === module) {
  writeFileSync(CLI_REFERENCE, cliReference());
  console.log(`Wrote ${CLI_REFERENCE}`);
}
