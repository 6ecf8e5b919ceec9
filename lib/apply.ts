// Applying the reviewed plans: exactly the saved plans `golden-ami plan` left in the output directory,
// or the stored ones a manifest names (plan --profiles --store-plans). Every plan is checked before any
// is applied, so a refusal leaves every stack as it was; then the stacks are applied in order.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../config/load";
import { GoldenAmiError, UsageError, refuseUnknown } from "../conventions/errors";
import { AwsAccess } from "./aws-access";
import { ProfilesRefused, profilesEnv, profilesNamedBy } from "./aws-profiles";
import { stackDirectories } from "./plan-report/read-plans";
import { ensureInitialized, StackDirectory } from "./plan-stacks";
import { checkSummary, fetchPlans, readManifest, StoredPlan } from "./plan-store";
import { run } from "./process";
import { installProviderLock } from "./provider-lock";
import { checkSavedPlan, SavedPlanRefused } from "./saved-plan";
import { synthesize } from "./synth";
import { terraformEnv } from "./terraform-env";
import { AMI_PIPELINE_ROLE_PURPOSE } from "../conventions/environment";
import { STACK_FILES } from "../conventions/names";

export interface ApplyRequest {
  /** Stack names, applied in this order; none: every stack with a saved plan (or, stored, the manifest's). */
  readonly stacks: ReadonlyArray<string>;
  /** The synthesis output directory that holds the saved plans (stored plans: synthesized into it first). */
  readonly outdir: string;
  /** The configuration file, asked for only when needed: plans that name profiles, or stored plans. */
  readonly configPath: () => string;
  /** The manifest `plan --store-plans` wrote: its plans are fetched from the state bucket and hash-checked. */
  readonly storedPlans?: string;
  /** Before each stack's apply. */
  readonly onStart?: (stack: string, index: number, total: number) => void;
  /** Terraform's output, as it comes. */
  readonly onOutput?: (chunk: string) => void;
}

/**
 * A refusal before any stack was applied. `listed`: one reason per stack, each on its own line.
 * checkedBeforeApplying is the one place that takes a lower refusal in (a saved plan's, a profile's):
 * at the boundary between checking and applying, where what it means is that nothing was applied.
 */
export class NothingApplied extends GoldenAmiError {
  constructor(
    readonly reasons: ReadonlyArray<string>,
    readonly listed: boolean,
    cause?: unknown,
  ) {
    super(reasons.join("; "), { cause });
  }

  override summary(): string {
    return this.listed ? `nothing was applied:\n${this.reasons.map((r) => `  ${r}`).join("\n")}` : `nothing was applied: ${this.reasons[0]}`;
  }
}

/** Applies the selected saved plans in order; returns the stacks applied. Nothing is applied unless every plan passes its checks. */
export async function applySavedPlans(request: ApplyRequest): Promise<string[]> {
  const { selected, env } = await checkedBeforeApplying(request);
  for (const [i, { stack, dir }] of selected.entries()) {
    request.onStart?.(stack, i, selected.length);
    await ensureInitialized(dir, env);
    const applied = await run("terraform", ["apply", "-input=false", "-no-color", "-lock-timeout=300s", STACK_FILES.savedPlan], {
      cwd: dir,
      env,
      onOutput: request.onOutput,
    });
    if (applied.code === 0) continue;
    const output = applied.stderr + applied.stdout;
    const notApplied = selected.slice(i + 1).map((s) => s.stack);
    const rest = notApplied.length > 0 ? `; not applied: ${notApplied.join(", ")}` : "";
    if (/Saved plan is stale/i.test(output)) {
      throw new GoldenAmiError(
        `the saved plan of ${stack} is stale: its state changed after the plan was made, so Terraform refused it and changed nothing. Plan again and review the new plan${rest}`,
      );
    }
    throw new GoldenAmiError(`apply of ${stack} failed (output above)${rest}`);
  }
  return selected.map((s) => s.stack);
}

/** Every check, for every selected stack, before the first apply; a refusal of any is NothingApplied. */
async function checkedBeforeApplying(request: ApplyRequest): Promise<{ selected: StackDirectory[]; env: NodeJS.ProcessEnv }> {
  try {
    const stored = request.storedPlans ? await fetchStoredPlans(request, request.storedPlans) : undefined;
    if (!existsSync(request.outdir))
      throw new UsageError(`option '--outdir <dir>' argument '${request.outdir}' is invalid. expected the directory \`golden-ami plan\` wrote`);
    const all = stackDirectories(request.outdir);
    refuseUnknown(
      request.stacks,
      all.map((s) => s.stack),
    );
    // No names: every stack that has a saved plan, and every stack whose plan failed (refused below);
    // with stored plans, exactly the manifest's stacks (a plan file left in the outdir is not one of them).
    const selected =
      request.stacks.length > 0
        ? request.stacks.map((name) => all.find((s) => s.stack === name)!)
        : stored
          ? all.filter((s) => stored.some((p) => p.stack === s.stack))
          : all.filter((s) => existsSync(join(s.dir, STACK_FILES.savedPlan)) || existsSync(join(s.dir, STACK_FILES.planError)));
    const refused = (await Promise.all(selected.map(({ stack, dir }) => refusal(() => checkSavedPlan(stack, dir))))).flat();
    if (refused.length > 0) throw new NothingApplied(refused, true);
    // The reviewed lock of the commit being applied, not whatever came with the saved plans (artifacts carry none).
    installProviderLock(selected.map((s) => s.dir));
    let env = terraformEnv();
    // A plan made with --profiles names profiles; here they mean the deploy roles of this commit's configuration.
    if (selected.some((s) => profilesNamedBy(s.dir).length > 0)) {
      env = { ...env, ...profilesEnv(loadConfig(request.configPath()).config, "deploy", request.outdir, selected) };
    }
    // Stored plans: each one's summary, re-derived from its bytes, is the reported one, for every stack before any is applied.
    if (stored) {
      const mismatched: string[] = [];
      for (const { stack, dir } of selected) {
        await ensureInitialized(dir, env);
        const plan = stored.find((p) => p.stack === stack)!;
        mismatched.push(...(await refusal(() => checkSummary(plan, dir, env))));
      }
      if (mismatched.length > 0) throw new NothingApplied(mismatched, true);
    }
    return { selected, env };
  } catch (error) {
    // A plan that is not the reviewed one, or names profiles this configuration does not map: said as what it means.
    if (error instanceof SavedPlanRefused || error instanceof ProfilesRefused) throw new NothingApplied([error.message], false, error);
    throw error;
  }
}

/** The reason a check refused the plan (none if it passed); any other error is thrown. */
const refusal = async (check: () => void | Promise<void>): Promise<string[]> => {
  try {
    await check();
    return [];
  } catch (error) {
    if (error instanceof SavedPlanRefused) return [error.message];
    throw error;
  }
};

/**
 * The stored-plans path: the apply job receives only the manifest. Synthesizes this commit in profiles
 * mode (the plans were made so), then fetches and hash-checks every named plan before any is applied.
 */
async function fetchStoredPlans(request: ApplyRequest, manifestFile: string): Promise<ReadonlyArray<StoredPlan>> {
  const configPath = request.configPath();
  const { config } = loadConfig(configPath);
  const manifest = readManifest(manifestFile, config);
  const synth = await synthesize({ outdir: request.outdir, configPath, env: { ...process.env, [AMI_PIPELINE_ROLE_PURPOSE]: "profiles" } });
  if (synth.code !== 0) throw new GoldenAmiError(`synth failed, nothing applied:\n${(synth.stderr || synth.stdout).trim()}`);
  const names = request.stacks.length > 0 ? request.stacks : manifest.plans.map((p) => p.stack);
  const dirs = stackDirectories(request.outdir);
  const unknown = names.filter((name) => !dirs.some((d) => d.stack === name));
  if (unknown.length > 0) throw new SavedPlanRefused(`${unknown.join(", ")}: not a stack of this configuration`);
  await fetchPlans(
    config,
    manifest,
    dirs.filter((d) => names.includes(d.stack)),
    new AwsAccess("apply"),
  );
  return manifest.plans;
}
