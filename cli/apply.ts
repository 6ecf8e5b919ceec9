// golden-ami apply: applies exactly the saved plans that `golden-ami plan` left (the reviewed ones).
import { Command } from "@commander-js/extra-typings";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PLAN_ERROR, stackDirectories } from "../lib/plan-report/read-plans";
import { ensureInitialized } from "../lib/plan-stacks";
import { run } from "../lib/process";
import { synthesize } from "../lib/synth";
import { terraformEnv } from "../lib/terraform-env";
import { CommandFailed, CONFIG_OPTION_HELP, configPathOf, DEFAULT_OUTDIR, EXIT_USAGE, refuseUnknownStacks, withExample } from "./program";

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
    .action(async (stacks, options, cmd) => {
      const stored = options.storedPlans ? await fetchStoredPlans(options.storedPlans, stacks, options.outdir, options.config) : undefined;
      if (!existsSync(options.outdir))
        cmd.error(`option '--outdir <dir>' argument '${options.outdir}' is invalid. expected the directory \`golden-ami plan\` wrote`, {
          exitCode: EXIT_USAGE,
        });
      const all = stackDirectories(options.outdir);
      refuseUnknownStacks(
        cmd,
        stacks,
        all.map((s) => s.stack),
      );
      const { checkSavedPlan, SAVED_PLAN, SavedPlanRefused } = require("../lib/saved-plan") as typeof import("../lib/saved-plan");
      // No names: every stack that has a saved plan, and every stack whose plan failed (refused below);
      // with stored plans, exactly the manifest's stacks (a plan file left in --outdir is not one of them).
      const selected =
        stacks.length > 0
          ? stacks.map((name) => all.find((s) => s.stack === name)!)
          : stored
            ? all.filter((s) => stored.plans.some((p) => p.stack === s.stack))
            : all.filter((s) => existsSync(join(s.dir, SAVED_PLAN)) || existsSync(join(s.dir, PLAN_ERROR)));
      // Every plan is checked before any is applied: nothing is half-applied.
      const refused = selected.flatMap(({ stack, dir }) => {
        try {
          checkSavedPlan(stack, dir);
          return [];
        } catch (error) {
          if (error instanceof SavedPlanRefused) return [error.message];
          throw error;
        }
      });
      if (refused.length > 0) throw new CommandFailed(`nothing was applied:\n${refused.map((r) => `  ${r}`).join("\n")}`);
      // The reviewed lock of the commit being applied, not whatever came with the saved plans (artifacts carry none).
      const { installProviderLock } = require("../lib/provider-lock") as typeof import("../lib/provider-lock");
      installProviderLock(selected.map((s) => s.dir));
      let env = terraformEnv();
      // A plan made with --profiles names profiles; here they mean the deploy roles of this commit's configuration.
      const { profilesNamedBy, profilesEnv, ProfilesRefused } = require("../lib/aws-profiles") as typeof import("../lib/aws-profiles");
      if (selected.some((s) => profilesNamedBy(s.dir).length > 0)) {
        const { loadConfig } = require("../config/load") as typeof import("../config/load");
        const { config } = loadConfig(configPathOf(options.config));
        try {
          env = { ...env, ...profilesEnv(config, "deploy", options.outdir, selected) };
        } catch (error) {
          if (error instanceof ProfilesRefused) throw new CommandFailed(`nothing was applied: ${error.message}`);
          throw error;
        }
      }
      // Stored plans: each one's summary, re-derived from its bytes, is the reported one, for every stack before any is applied.
      if (stored) {
        const mismatched: string[] = [];
        for (const { stack, dir } of selected) {
          await ensureInitialized(dir, env);
          const plan = stored.plans.find((p) => p.stack === stack)!;
          try {
            await stored.checkSummary(plan, dir, env);
          } catch (error) {
            if (!(error instanceof SavedPlanRefused)) throw error;
            mismatched.push(error.message);
          }
        }
        if (mismatched.length > 0) throw new CommandFailed(`nothing was applied:\n${mismatched.map((r) => `  ${r}`).join("\n")}`);
      }
      for (const [i, { stack, dir }] of selected.entries()) {
        console.error(`applying the saved plan of ${stack} (${i + 1} of ${selected.length})`);
        await ensureInitialized(dir, env);
        const applied = await run("terraform", ["apply", "-input=false", "-no-color", "-lock-timeout=300s", SAVED_PLAN], {
          cwd: dir,
          env,
          onOutput: (chunk) => process.stderr.write(chunk),
        });
        if (applied.code === 0) continue;
        const output = applied.stderr + applied.stdout;
        const notApplied = selected.slice(i + 1).map((s) => s.stack);
        const rest = notApplied.length > 0 ? `; not applied: ${notApplied.join(", ")}` : "";
        if (/Saved plan is stale/i.test(output)) {
          throw new CommandFailed(
            `the saved plan of ${stack} is stale: its state changed after the plan was made, so Terraform refused it and changed nothing. Plan again and review the new plan${rest}`,
          );
        }
        throw new CommandFailed(`apply of ${stack} failed (output above)${rest}`);
      }
      console.error(`applied ${selected.length} saved plan(s): ${selected.map((s) => s.stack).join(", ")}`);
    });
  withExample(command, "npx golden-ami apply shared", "npx golden-ami apply web-staging --outdir cdktf.out");
}

/**
 * The stored-plans path: the apply job receives only the manifest. Synthesizes this commit in profiles
 * mode (the plans were made so), then fetches and hash-checks every named plan before any is applied.
 */
async function fetchStoredPlans(manifestFile: string, stacks: ReadonlyArray<string>, outdir: string, configOption: string | undefined) {
  const { loadConfig } = require("../config/load") as typeof import("../config/load");
  const store = require("../lib/plan-store") as typeof import("../lib/plan-store");
  const { SavedPlanRefused } = require("../lib/saved-plan") as typeof import("../lib/saved-plan");
  const { AwsAccess } = require("../lib/aws-access") as typeof import("../lib/aws-access");
  const configPath = configPathOf(configOption);
  const { config } = loadConfig(configPath);
  try {
    const manifest = store.readManifest(manifestFile, config);
    const synth = await synthesize({ outdir, configPath, env: { ...process.env, AMI_PIPELINE_ROLE_PURPOSE: "profiles" } });
    if (synth.code !== 0) throw new CommandFailed(`synth failed, nothing applied:\n${(synth.stderr || synth.stdout).trim()}`);
    const names = stacks.length > 0 ? stacks : manifest.plans.map((p) => p.stack);
    const dirs = stackDirectories(outdir);
    const unknown = names.filter((name) => !dirs.some((d) => d.stack === name));
    if (unknown.length > 0) throw new SavedPlanRefused(`${unknown.join(", ")}: not a stack of this configuration`);
    await store.fetchPlans(
      config,
      manifest,
      dirs.filter((d) => names.includes(d.stack)),
      new AwsAccess("apply"),
    );
    return { plans: manifest.plans, checkSummary: store.checkSummary };
  } catch (error) {
    if (error instanceof SavedPlanRefused) throw new CommandFailed(`nothing was applied: ${error.message}`);
    throw error;
  }
}
