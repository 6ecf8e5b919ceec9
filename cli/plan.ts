// golden-ami plan: synthesize, then `terraform plan` every stack (or those named), several at a time.
import { Command, Option } from "@commander-js/extra-typings";
import { GoldenAmiError } from "../conventions/errors";
import { library } from "./library";
import { CONFIG_OPTION_HELP, configPathOf, DEFAULT_OUTDIR, environment, positiveInteger, shardOption, withExample } from "./program";
import { Progress, progress } from "./progress";

export function registerPlan(program: Command): void {
  const command = program
    .command("plan")
    .description("synthesize, then plan every stack (or those named) in parallel")
    .argument("[stacks...]", "stack names (default: every stack)")
    .option("--config <file>", CONFIG_OPTION_HELP)
    .option("--outdir <dir>", "synthesis output directory", DEFAULT_OUTDIR)
    .addOption(new Option("--concurrency <n>", "stacks planned at once (default: cores, bounded by memory)").argParser(positiveInteger))
    .addOption(
      new Option("--read-only", "assume the read-only plan roles and take no state lock (pull requests); such a plan cannot be applied").conflicts("profiles"),
    )
    .option(
      "--profiles",
      "plan under the read-only plan roles through AWS profiles that `golden-ami apply` maps to the deploy roles: a plan made without deploy rights that can be applied; takes no state lock (apply refuses the plan if the state moved)",
    )
    .option(
      "--store-plans",
      "with --profiles: keep each saved plan in the state bucket (<key_prefix>/plans/, SSE-KMS) and write <outdir>/saved-plans.json (keys, SHA-256, summaries), the only thing to pass to `apply --stored-plans`",
    )
    .addOption(new Option("--shard <i/n>", "plan only shard i of n (CI matrices); see `golden-ami stacks --shard`").argParser(shardOption))
    .option("--changed-since <ref>", "plan only stacks whose synthesized configuration differs from <ref>'s (e.g. origin/main)")
    .option("--json", "print one JSON line per stack (stack, ok, changes, seconds) on stdout")
    .action(async (stacks, options) => {
      let shown: Progress | undefined;
      const planned = library.plan().planConfiguration({
        stacks,
        outdir: options.outdir,
        configOption: options.config ?? environment().configPath,
        configPath: () => configPathOf(options.config),
        mode: options.readOnly ? "read-only" : options.profiles ? "profiles" : "deploy",
        shard: options.shard,
        changedSince: options.changedSince,
        concurrency: options.concurrency,
        storePlans: options.storePlans,
        onNote: (line) => console.error(`golden-ami: ${line}`),
        onSelected: (selected) => void (shown = progress(selected.length)),
        onEvent: (event) =>
          event.kind === "start"
            ? shown?.start(event.stack)
            : shown?.done(event.stack, event.ok, `${event.changes ? "changes" : "no changes"}, ${event.seconds.toFixed(1)} s`),
      });
      const { results, stored } = await planned.finally(() => shown?.finish());
      if (options.json) for (const r of results) console.log(JSON.stringify({ stack: r.stack, ok: r.ok, changes: r.changes, seconds: r.seconds }));
      if (stored)
        console.error(`stored ${stored.plans.length} plan(s) in s3://${stored.bucket}/; pass ${options.outdir}/saved-plans.json to \`apply --stored-plans\``);
      const failed = results.filter((r) => !r.ok).map((r) => r.stack);
      if (failed.length > 0)
        throw new GoldenAmiError(`plan failed for ${failed.join(", ")} (details in each stack's plan-error.txt; \`golden-ami report\` shows them)`);
    });
  withExample(
    command,
    "npx golden-ami plan",
    "npx golden-ami plan --read-only --changed-since origin/main --shard 1/2",
    "npx golden-ami plan --profiles shared",
  );
}
