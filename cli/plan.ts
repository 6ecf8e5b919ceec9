// golden-ami plan: synthesize, then `terraform plan` every stack (or those named), several at a time.
import { Command, Option } from "@commander-js/extra-typings";
import { availableParallelism, totalmem } from "node:os";
import { changedStacksSince, shardOf } from "../lib/changed-stacks";
import { stackDirectories } from "../lib/plan-report/read-plans";
import { markSkipped, planStacks } from "../lib/plan-stacks";
import { synthesize } from "../lib/synth";
import { terraformEnv } from "../lib/terraform-env";
import {
  CommandFailed,
  CONFIG_OPTION_HELP,
  configPathOf,
  DEFAULT_OUTDIR,
  EXIT_USAGE,
  positiveInteger,
  refuseUnknownStacks,
  shardOption,
  withExample,
} from "./program";
import { progress } from "./progress";

/**
 * One `terraform plan` with the AWS provider peaks near 500 MiB of private memory at the GC target
 * terraformEnv() sets (plus the provider binary's pages, shared between plans); leave a quarter free.
 */
const PLAN_MEMORY_BYTES = 700 * 1024 * 1024;

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
    .action(async (stacks, options, cmd) => {
      if (options.storePlans && !options.profiles)
        cmd.error("option '--store-plans' needs '--profiles': a stored plan is applied under the deploy roles, so it must name profiles", {
          exitCode: EXIT_USAGE,
        });
      const purpose = options.readOnly ? "plan" : options.profiles ? "profiles" : undefined;
      let env: NodeJS.ProcessEnv = { ...process.env, ...(purpose ? { AMI_PIPELINE_ROLE_PURPOSE: purpose } : {}) };
      const synth = await synthesize({ outdir: options.outdir, configPath: options.config, env });
      if (synth.code !== 0) throw new CommandFailed(`synth failed, nothing planned:\n${(synth.stderr || synth.stdout).trim()}`);
      const all = stackDirectories(options.outdir);
      if (options.profiles) {
        const { loadConfig } = require("../config/load") as typeof import("../config/load");
        const { profilesEnv, ProfilesRefused } = require("../lib/aws-profiles") as typeof import("../lib/aws-profiles");
        const { config } = loadConfig(configPathOf(options.config));
        try {
          env = { ...env, ...profilesEnv(config, "plan", options.outdir, all) };
        } catch (error) {
          throw error instanceof ProfilesRefused ? new CommandFailed(error.message) : error;
        }
      }
      refuseUnknownStacks(
        cmd,
        stacks,
        all.map((s) => s.stack),
      );
      let selected = all.filter((s) => stacks.length === 0 || stacks.includes(s.stack));
      if (options.shard) selected = shardOf(selected, options.shard.index, options.shard.total);
      if (options.changedSince) {
        const compared = await changedStacksSince(options.changedSince, { ...env, ...(options.config ? { AMI_PIPELINE_CONFIG: options.config } : {}) });
        if (compared.uncomparable) console.error(`golden-ami: ${compared.uncomparable}; planning every stack`);
        for (const s of selected.filter((s) => !compared.changed.has(s.stack)))
          markSkipped(s.dir, s.stack, `its configuration is the same as on ${options.changedSince}`);
        selected = selected.filter((s) => compared.changed.has(s.stack));
      }
      const shown = progress(selected.length);
      const results = await planStacks(selected, {
        env: terraformEnv(env),
        lock: !options.readOnly && !options.profiles,
        concurrency: options.concurrency ?? defaultConcurrency(),
        onEvent: (event) =>
          event.kind === "start"
            ? shown.start(event.stack)
            : shown.done(event.stack, event.ok, `${event.changes ? "changes" : "no changes"}, ${event.seconds.toFixed(1)} s`),
      });
      shown.finish();
      if (options.json) for (const r of results) console.log(JSON.stringify({ stack: r.stack, ok: r.ok, changes: r.changes, seconds: r.seconds }));
      const failed = results.filter((r) => !r.ok).map((r) => r.stack);
      if (options.storePlans) {
        const { loadConfig } = require("../config/load") as typeof import("../config/load");
        const { storePlans } = require("../lib/plan-store") as typeof import("../lib/plan-store");
        const { AwsAccess } = require("../lib/aws-access") as typeof import("../lib/aws-access");
        const planned = selected.filter((s) => results.some((r) => r.stack === s.stack && r.ok));
        const manifest = await storePlans(loadConfig(configPathOf(options.config)).config, options.outdir, planned, new AwsAccess("plan"));
        console.error(
          `stored ${manifest.plans.length} plan(s) in s3://${manifest.bucket}/; pass ${options.outdir}/saved-plans.json to \`apply --stored-plans\``,
        );
      }
      if (failed.length > 0)
        throw new CommandFailed(`plan failed for ${failed.join(", ")} (details in each stack's plan-error.txt; \`golden-ami report\` shows them)`);
    });
  withExample(
    command,
    "npx golden-ami plan",
    "npx golden-ami plan --read-only --changed-since origin/main --shard 1/2",
    "npx golden-ami plan --profiles shared",
  );
}
