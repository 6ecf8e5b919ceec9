// golden-ami orphans: resources a stack created in AWS that its state does not hold (an interrupted apply).
import { Command } from "@commander-js/extra-typings";
import { GoldenAmiError } from "../conventions/errors";
import { library } from "./library";
import { CONFIG_OPTION_HELP, configPathOf, DEFAULT_OUTDIR, withExample } from "./program";

export function registerOrphans(program: Command): void {
  const command = program
    .command("orphans")
    .description("list resources tagged by a workload stack but absent from its state; exit 1 if any")
    .argument("[stacks...]", "workload stack names (default: every workload)")
    .option("--config <file>", CONFIG_OPTION_HELP)
    .option("--outdir <dir>", "synthesis output directory", DEFAULT_OUTDIR)
    .option("--json", "print a JSON array of {stack, type, id, name}")
    .action(async (stacks, options) => {
      const configPath = configPathOf(options.config);
      const { config } = library.configuration().loadConfig(configPath);
      const { found, unreadable } = await library.orphans().findOrphans(config, { configPath, outdir: options.outdir, stacks });
      if (options.json) console.log(JSON.stringify(found));
      else for (const o of found) console.log(`${o.stack}\t${o.type}\t${o.id}${o.name && o.name !== o.id ? `\t${o.name}` : ""}`);
      if (unreadable.length > 0) throw new GoldenAmiError(`could not check ${unreadable.length} stack(s):\n${unreadable.map((u) => `  ${u}`).join("\n")}`);
      if (found.length > 0) {
        throw new GoldenAmiError(
          `${found.length} resource(s) exist in AWS but not in state; import them (terraform import) or delete them before the next apply (docs/runbooks.md, "When an apply was interrupted")`,
        );
      }
      console.error("No orphans: every tagged resource is in its stack's state.");
    });
  withExample(command, "npx golden-ami orphans web-staging");
}
