// Saved plans kept in the state bucket, never in CI artifacts: a binary plan holds prior state and
// planned values, and artifacts are readable by everyone who can read the repository. The plan job
// stores each stack's plan under <key_prefix>/plans/<stack>/<sha256>.tfplan (SSE-KMS) and passes only
// a small manifest to the apply job: per stack the object key, its SHA-256 and the plan's summary (the
// redacted view the approver read). The apply job synthesizes the same commit, fetches each plan,
// refuses one whose bytes do not hash to the manifest's, and re-derives the summary from the binary
// plan itself before applying it: a hash guards transit, the summary guards what is applied.
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { Config } from "../config/schema";
import { AccessTarget, AwsAccess } from "./aws-access";
import { compareWithReviewed } from "./plan-report/compare-reviewed";
import { parsePlanJson } from "./plan-report/read-plans";
import { summarizePlan, type StackSummary } from "./plan-report/summarize";
import { parseStackSummary } from "./plan-report/summary-schema";
import { runOrThrow } from "./process";
import { SavedPlanRefused } from "./saved-plan";
import { STACK_FILES } from "../conventions/names";

/** The manifest `plan --store-plans` writes beside the stacks: the only thing the apply job receives. */
const PLAN_MANIFEST = "saved-plans.json";

const ManifestSchema = z.strictObject({
  version: z.literal(1),
  bucket: z.string().min(1),
  region: z.string().min(1),
  plans: z.array(
    z.strictObject({
      stack: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/),
      key: z.string().min(1),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      summary: z.unknown(),
    }),
  ),
});

export interface StoredPlan {
  readonly stack: string;
  readonly key: string;
  readonly sha256: string;
  readonly summary: StackSummary;
}

export interface PlanManifest {
  readonly version: 1;
  readonly bucket: string;
  readonly region: string;
  readonly plans: ReadonlyArray<StoredPlan>;
}

/** Where plans are kept: the state bucket, under the state's key prefix. */
export function planStore(config: Config): { bucket: string; region: string; prefix: string } {
  if (!config.state) throw new SavedPlanRefused("plans are stored in the state bucket: the configuration has no `state` (S3) section");
  return { bucket: config.state.bucket, region: config.state.region, prefix: `${config.state.key_prefix}/plans` };
}

/** The state bucket as the plan job (state reader, allowed to write plans/) or the apply job (state writer) reaches it. */
function storeTarget(config: Config, purpose: "plan" | "deploy"): AccessTarget {
  const store = planStore(config);
  return { stack: "state", purpose, region: store.region, roleArn: purpose === "plan" ? config.state?.plan_role_arn : config.state?.role_arn };
}

export const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** Stores each stack's saved plan; returns the manifest (also written to `outdir`). Stacks without a plan are left out. */
export async function storePlans(
  config: Config,
  outdir: string,
  stacks: ReadonlyArray<{ stack: string; dir: string }>,
  access: AwsAccess,
): Promise<PlanManifest> {
  const store = planStore(config);
  const s3 = access.s3(storeTarget(config, "plan"));
  const plans: StoredPlan[] = [];
  for (const { stack, dir } of stacks) {
    if (!existsSync(join(dir, STACK_FILES.savedPlan))) continue;
    const bytes = readFileSync(join(dir, STACK_FILES.savedPlan));
    const hash = sha256(bytes);
    const key = `${store.prefix}/${stack}/${hash}.tfplan`;
    await s3.send(new PutObjectCommand({ Bucket: store.bucket, Key: key, Body: bytes, ServerSideEncryption: "aws:kms" }));
    plans.push({ stack, key, sha256: hash, summary: readSummary(stack, dir) });
  }
  const manifest: PlanManifest = { version: 1, bucket: store.bucket, region: store.region, plans };
  writeFileSync(join(outdir, PLAN_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function readSummary(stack: string, dir: string): StackSummary {
  const parsed = parseStackSummary(stack, readFileSync(join(dir, STACK_FILES.planSummary), "utf8"));
  if ("problem" in parsed) throw new Error(`${stack}: ${STACK_FILES.planSummary} is not a valid plan summary: ${parsed.problem}`);
  return parsed.summary;
}

/** Reads and checks a manifest; anything malformed is refused with what was wrong, never read as "no plans". */
export function readManifest(file: string, config: Config): PlanManifest {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new SavedPlanRefused(`${file} is not a plan manifest (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = ManifestSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SavedPlanRefused(
      `${file}: ${issue.path.join(".") || "(top)"}: ${issue.message}; expected a manifest written by \`golden-ami plan --store-plans\``,
    );
  }
  const store = planStore(config);
  if (parsed.data.bucket !== store.bucket)
    throw new SavedPlanRefused(`${file} names bucket ${parsed.data.bucket}, not this configuration's state bucket ${store.bucket}`);
  const plans = parsed.data.plans.map((p) => {
    if (p.key !== `${store.prefix}/${p.stack}/${p.sha256}.tfplan`) {
      throw new SavedPlanRefused(`${file}: ${p.stack}'s key ${p.key} is not ${store.prefix}/${p.stack}/${p.sha256}.tfplan`);
    }
    const summary = parseStackSummary(p.stack, JSON.stringify(p.summary));
    if ("problem" in summary) throw new SavedPlanRefused(`${file}: ${p.stack}'s summary is not a plan summary: ${summary.problem}`);
    return { stack: p.stack, key: p.key, sha256: p.sha256, summary: summary.summary };
  });
  return { version: 1, bucket: parsed.data.bucket, region: parsed.data.region, plans };
}

/** Fetches each stack's plan into its directory; a plan whose bytes do not hash to the manifest's is refused, and nothing is written for it. */
export async function fetchPlans(
  config: Config,
  manifest: PlanManifest,
  stacks: ReadonlyArray<{ stack: string; dir: string }>,
  access: AwsAccess,
): Promise<void> {
  const s3 = access.s3(storeTarget(config, "deploy"));
  for (const { stack, dir } of stacks) {
    const stored = manifest.plans.find((p) => p.stack === stack);
    if (!stored) throw new SavedPlanRefused(`${stack}: the plan manifest has no plan for it`);
    const object = await s3.send(new GetObjectCommand({ Bucket: manifest.bucket, Key: stored.key }));
    const bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
    const hash = sha256(bytes);
    if (hash !== stored.sha256) {
      throw new SavedPlanRefused(
        `${stack}: the stored plan s3://${manifest.bucket}/${stored.key} hashes to ${hash}, not ${stored.sha256}: changed since it was planned`,
      );
    }
    writeFileSync(join(dir, STACK_FILES.savedPlan), bytes);
  }
}

/**
 * Re-derives the summary from the binary plan in `dir` (terraform show -json, kept in memory) and
 * refuses it unless it is the summary the plan job reported: same resources, actions, values, AMIs.
 */
export async function checkSummary(stored: StoredPlan, dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const { stdout } = await runOrThrow("terraform", ["show", "-json", "-no-color", STACK_FILES.savedPlan], { cwd: dir, env });
  const now = summarizePlan(stored.stack, parsePlanJson(stdout));
  const verdict = compareWithReviewed(now, stored.summary);
  const same = verdict.verdict === "apply" && (now.status === "unchanged") === (stored.summary.status === "unchanged");
  if (!same) {
    const reasons =
      verdict.verdict === "approve"
        ? verdict.reasons
        : verdict.verdict === "apply-newer-ami"
          ? verdict.amis
          : [`${now.status} now, ${stored.summary.status} when planned`];
    throw new SavedPlanRefused(`${stored.stack}: the stored plan is not the plan that was reported: ${reasons.join("; ")}`);
  }
}
