// Planning a configuration: synthesize, choose the stacks (names, shard, changed since a ref), plan
// them several at a time, and (with profiles) keep the saved plans in the state bucket for the apply job.
import { availableParallelism, totalmem } from "node:os";
import { loadConfig } from "../config/load";
import { GoldenAmiError, UsageError, refuseUnknown } from "../conventions/errors";
import { AwsAccess } from "./aws-access";
import { profilesEnv } from "./aws-profiles";
import { changedStacksSince, shardOf } from "./changed-stacks";
import { stackDirectories } from "./plan-report/read-plans";
import { markSkipped, planStacks, PlanStacksOptions, StackPlanned } from "./plan-stacks";
import { PlanManifest, storePlans } from "./plan-store";
import { synthesize } from "./synth";
import { terraformEnv } from "./terraform-env";
import { AMI_PIPELINE_ROLE_PURPOSE } from "../conventions/environment";

/**
 * One `terraform plan` with the AWS provider peaks near 500 MiB of private memory at the GC target
 * terraformEnv() sets (plus the provider binary's pages, shared between plans); leave a quarter free.
 */
const PLAN_MEMORY_BYTES = 700 * 1024 * 1024;

export function defaultConcurrency(cores = availableParallelism(), memory = totalmem()): number {
  return Math.max(1, Math.min(cores, Math.floor((memory * 0.75) / PLAN_MEMORY_BYTES)));
}

/**
 * Whose credentials the plans use. `deploy`: the deploy roles, taking the state lock (a plan to apply
 * at once). `read-only`: the plan roles, no lock (pull requests; such a plan cannot be applied).
 * `profiles`: the plan roles through AWS profiles that apply maps to the deploy roles, no lock.
 */
export type PlanMode = "deploy" | "read-only" | "profiles";

export interface PlanRequest {
  /** Stack names; none: every stack. */
  readonly stacks: ReadonlyArray<string>;
  readonly outdir: string;
  /** The configuration file given on the command line (synth falls back as main.ts does). */
  readonly configOption?: string;
  /** The configuration file, resolved: asked for only with profiles. */
  readonly configPath: () => string;
  readonly mode: PlanMode;
  readonly shard?: { readonly index: number; readonly total: number };
  /** Plan only the stacks whose synthesized configuration differs from this ref's. */
  readonly changedSince?: string;
  readonly concurrency?: number;
  /** With profiles: keep each saved plan in the state bucket and write the manifest. */
  readonly storePlans?: boolean;
  /** The stacks chosen, before the first plan starts. */
  readonly onSelected?: (stacks: ReadonlyArray<string>) => void;
  readonly onEvent?: PlanStacksOptions["onEvent"];
  /** A note for people (e.g. why every stack is planned after all). */
  readonly onNote?: (line: string) => void;
}

export interface PlanOutcome {
  /** One per stack planned, in order. */
  readonly results: ReadonlyArray<StackPlanned>;
  /** With storePlans: what was stored. */
  readonly stored?: PlanManifest;
}

const ROLE_PURPOSE: Record<PlanMode, string | undefined> = { deploy: undefined, "read-only": "plan", profiles: "profiles" };

/** Plans the selected stacks; a stack whose plan failed is in the results (ok: false), not thrown. */
export async function planConfiguration(request: PlanRequest): Promise<PlanOutcome> {
  if (request.storePlans && request.mode !== "profiles")
    throw new UsageError("option '--store-plans' needs '--profiles': a stored plan is applied under the deploy roles, so it must name profiles");
  const purpose = ROLE_PURPOSE[request.mode];
  let env: NodeJS.ProcessEnv = { ...process.env, ...(purpose ? { [AMI_PIPELINE_ROLE_PURPOSE]: purpose } : {}) };
  const synth = await synthesize({ outdir: request.outdir, configPath: request.configOption, env });
  if (synth.code !== 0) throw new GoldenAmiError(`synth failed, nothing planned:\n${(synth.stderr || synth.stdout).trim()}`);
  const all = stackDirectories(request.outdir);
  const config = request.mode === "profiles" ? loadConfig(request.configPath()).config : undefined;
  if (config) env = { ...env, ...profilesEnv(config, "plan", request.outdir, all) };
  refuseUnknown(
    request.stacks,
    all.map((s) => s.stack),
  );
  let selected = all.filter((s) => request.stacks.length === 0 || request.stacks.includes(s.stack));
  if (request.shard) selected = shardOf(selected, request.shard.index, request.shard.total);
  if (request.changedSince) {
    const compared = await changedStacksSince(request.changedSince, env, request.configOption);
    if (compared.uncomparable) request.onNote?.(`${compared.uncomparable}; planning every stack`);
    for (const s of selected.filter((s) => !compared.changed.has(s.stack)))
      markSkipped(s.dir, s.stack, `its configuration is the same as on ${request.changedSince}`);
    selected = selected.filter((s) => compared.changed.has(s.stack));
  }
  request.onSelected?.(selected.map((s) => s.stack));
  const results = await planStacks(selected, {
    env: terraformEnv(env),
    lock: request.mode === "deploy",
    concurrency: request.concurrency ?? defaultConcurrency(),
    onEvent: request.onEvent,
  });
  if (!request.storePlans || !config) return { results };
  const planned = selected.filter((s) => results.some((r) => r.stack === s.stack && r.ok));
  return { results, stored: await storePlans(config, request.outdir, planned, new AwsAccess("plan")) };
}
