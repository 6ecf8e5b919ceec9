// golden-ami apply: applies exactly the saved plans that `golden-ami plan` left (the reviewed ones).
import { Command } from "@commander-js/extra-typings";
import { library } from "./library";
import { CONFIG_OPTION_HELP, configPathOf, DEFAULT_OUTDIR, withExample } from "./program";

export function registerApply(program: Command): void {
  const command = program
    .command("apply")
    .description("apply the saved plan of each stack (or those named), in order; a stale plan is refused")
    .argument("[stacks...]", "stack names, applied in this order (default: every stack with a saved plan)")
    .option("--outdir <dir>", "synthesis output directory holding the saved plans", DEFAULT_OUTDIR)
    .option("--config <file>", `${CONFIG_OPTION_HELP}; read only for plans made with \`plan --profiles\`, whose profiles it maps to the deploy roles`)
    .option(
      "--stored-plans <manifest>",
      "synthesize this commit into --outdir, fetch the plans `plan --profiles --store-plans` kept in the state bucket, check each one's SHA-256 and re-derived summary against the manifest, then apply them",
    )
    .action(async (stacks, options) => {
      const applied = await library.apply().applySavedPlans({
        stacks,
        outdir: options.outdir,
        configPath: () => configPathOf(options.config),
        storedPlans: options.storedPlans,
        onStart: (stack, i, total) => console.error(`applying the saved plan of ${stack} (${i + 1} of ${total})`),
        onOutput: (chunk) => process.stderr.write(chunk),
      });
      console.error(`applied ${applied.length} saved plan(s): ${applied.join(", ")}`);
    });
  withExample(command, "npx golden-ami apply shared", "npx golden-ami apply web-staging --outdir cdktf.out");
}
