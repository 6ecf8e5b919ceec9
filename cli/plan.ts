// golden-ami plan: synthesize, then `terraform plan` every stack (or those named), several at a time.
import { Command, Option } from "@commander-js/extra-typings";
import { availableParallelism, totalmem } from "node:os";
import { stackDirectories } from "../lib/plan-report/read-plans";
import { planStacks } from "../lib/plan-stacks";
import { synthesize } from "../lib/synth";
import { terraformEnv } from "../lib/terraform-env";
import { CommandFailed, CONFIG_OPTION_HELP, DEFAULT_OUTDIR, positiveInteger, withExample } from "./program";
import { progress } from "./progress";

/** One `terraform plan` with the AWS provider peaks near half a gigabyte; leave a quarter of memory free. */
const PLAN_MEMORY_BYTES = 600 * 1024 * 1024;

export function defaultConcurrency(cores = availableParallelism(), memory = totalmem()): number {
  return Math.max(1, Math.min(cores, Math.floor((memory * 0.75) / PLAN_MEMORY_BYTES)));
}

export function registerPlan(program: Command): void {
  const command = program
    .command("plan")
    .description("synthesize, then plan every stack (or those named) in parallel")
    .argument("[stacks...]", "stack names (default: every stack)")
    .option("--config <file>", CONFIG_OPTION_HELP)
    .option("--outdir <dir>", "synthesis output directory", DEFAULT_OUTDIR)
    .addOption(new Option("--concurrency <n>", "stacks planned at once (default: cores, bounded by memory)").argParser(positiveInteger))
    .option("--json", "print one JSON line per stack (stack, ok, seconds) on stdout")
    .action(async (stacks, options, cmd) => {
      const synth = await synthesize({ outdir: options.outdir, configPath: options.config });
      if (synth.code !== 0) throw new CommandFailed(`synth failed, nothing planned:\n${(synth.stderr || synth.stdout).trim()}`);
      const all = stackDirectories(options.outdir);
      const unknown = stacks.filter((name) => !all.some((s) => s.stack === name));
      if (unknown.length > 0)
        cmd.error(`unknown stack ${unknown.map((s) => `"${s}"`).join(", ")}; stacks are ${all.map((s) => s.stack).join(", ")}`, { exitCode: 2 });
      const selected = all.filter((s) => stacks.length === 0 || stacks.includes(s.stack));
      const concurrency = options.concurrency ?? defaultConcurrency();
      const shown = progress(selected.length);
      const results = await planStacks(selected, {
        env: terraformEnv(),
        concurrency,
        onEvent: (event) => (event.kind === "start" ? shown.start(event.stack) : shown.done(event.stack, event.ok, `${event.seconds.toFixed(1)} s`)),
      });
      shown.finish();
      if (options.json) for (const r of results) console.log(JSON.stringify({ stack: r.stack, ok: r.ok, seconds: r.seconds }));
      const failed = results.filter((r) => !r.ok).map((r) => r.stack);
      if (failed.length > 0)
        throw new CommandFailed(`plan failed for ${failed.join(", ")} (details in each stack's plan-error.txt; \`golden-ami report\` shows them)`);
    });
  withExample(command, "npx golden-ami plan", "npx golden-ami plan web-staging --concurrency 1");
}
